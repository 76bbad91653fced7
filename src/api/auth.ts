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

const parsed = new Map<string, Promise<Uint8Array[]>>();

/** Partner keys read; admin keys (ADMIN_API_KEYS) also manage destinations and redeliveries. */
export const authenticate: MiddlewareHandler<ApiEnv> = async (c, next) => {
	const token = bearerToken(c.req.header("authorization"));
	const presented = await sha256(token ?? "");
	const admin = matchesAny(await configuredDigests(c.env.ADMIN_API_KEYS ?? ""), presented);
	const partner = matchesAny(await configuredDigests(c.env.PARTNER_API_KEYS ?? ""), presented);
	if (token === null || !(admin || partner)) throw unauthorized();
	c.set("role", admin ? "admin" : "partner");
	c.set("partner", hex(presented).slice(0, 16));
	await next();
};

/** Compares against every digest, so the time taken does not tell which one matched. */
function matchesAny(digests: Uint8Array[], presented: Uint8Array): boolean {
	let matched = false;
	for (const digest of digests) matched = crypto.subtle.timingSafeEqual(digest, presented) || matched;
	return matched;
}

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
	let digests = parsed.get(source);
	if (!digests) {
		digests = digestsOf(source);
		parsed.set(source, digests);
	}
	return digests;
}

async function digestsOf(source: string): Promise<Uint8Array[]> {
	const entries = source
		.split(",")
		.map((e) => e.trim())
		.filter((e) => e !== "");
	const digests = await Promise.all(
		entries.map((e) => (e.startsWith(HASHED) ? fromHex(e.slice(HASHED.length)) : sha256(e))),
	);
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
