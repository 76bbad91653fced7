/**
 * Partner authentication: `Authorization: Bearer <key>` against PARTNER_API_KEYS. Keys are
 * compared as SHA-256 digests in constant time, every configured key each time, so neither
 * timing nor the answer tells which part of a credential was wrong.
 */
import type { MiddlewareHandler } from "hono";
import { hex } from "../catalog/event";
import { ApiError } from "../errors";
import type { ApiEnv } from "./context";

const HASHED = "sha256:";

let parsed: { source: string; digests: Promise<Uint8Array[]> } | null = null;

export const authenticate: MiddlewareHandler<ApiEnv> = async (c, next) => {
	const token = bearerToken(c.req.header("authorization"));
	const presented = await sha256(token ?? "");
	let matched = false;
	for (const digest of await configuredDigests(c.env.PARTNER_API_KEYS ?? "")) {
		matched = crypto.subtle.timingSafeEqual(digest, presented) || matched;
	}
	if (token === null || !matched) throw unauthorized();
	c.set("partner", hex(presented).slice(0, 16));
	await next();
};

function bearerToken(header: string | undefined): string | null {
	const match = /^Bearer +(\S+) *$/i.exec(header ?? "");
	return match ? match[1] : null;
}

function unauthorized(): ApiError {
	return new ApiError("unauthorized", "a valid partner API key is required (Authorization: Bearer <key>)", undefined, {
		"WWW-Authenticate": 'Bearer realm="partner-api"',
	});
}

/** The digests of the configured keys, parsed once per distinct setting. */
function configuredDigests(source: string): Promise<Uint8Array[]> {
	if (parsed?.source !== source) parsed = { source, digests: digestsOf(source) };
	return parsed.digests;
}

async function digestsOf(source: string): Promise<Uint8Array[]> {
	const entries = source.split(",").map((e) => e.trim()).filter((e) => e !== "");
	const digests = await Promise.all(entries.map((e) => (e.startsWith(HASHED) ? fromHex(e.slice(HASHED.length)) : sha256(e))));
	return digests.filter((d): d is Uint8Array => d !== null);
}

function fromHex(text: string): Uint8Array | null {
	if (!/^[0-9a-fA-F]{64}$/.test(text)) {
		console.warn(JSON.stringify({ level: "warn", message: "PARTNER_API_KEYS has a malformed sha256: entry; ignored" }));
		return null;
	}
	return Uint8Array.from(text.match(/../g) as string[], (byte) => Number.parseInt(byte, 16));
}

async function sha256(text: string): Promise<Uint8Array> {
	return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}
