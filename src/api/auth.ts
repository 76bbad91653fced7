/**
 * Partner authentication: `Authorization: Bearer <key>` against PARTNER_API_KEYS (and
 * ADMIN_API_KEYS). Keys are compared as SHA-256 digests in constant time, every configured key
 * each time, so neither timing nor the answer tells which part of a credential was wrong.
 */
import type { MiddlewareHandler } from "hono";
import { fromHex, hex, sameBytes, sha256 } from "../digests";
import { ApiError } from "../errors";
import { log } from "../logger";
import { type Settings, settingsOf } from "../settings";
import type { ApiEnv } from "./context";

const HASHED = "sha256:";

interface KeyDigests {
	admin: Uint8Array[];
	partner: Uint8Array[];
}

const digested = new WeakMap<Settings, Promise<KeyDigests>>();

/** Partner keys read; admin keys (ADMIN_API_KEYS) also manage destinations and redeliveries. */
export const authenticate: MiddlewareHandler<ApiEnv> = async (c, next) => {
	const token = bearerToken(c.req.header("authorization"));
	const presented = await sha256(token ?? "");
	const keys = await keyDigests(settingsOf(c.env));
	const admin = matchesAny(keys.admin, presented);
	const partner = matchesAny(keys.partner, presented);
	if (token === null || !(admin || partner)) throw unauthorized();
	c.set("role", admin ? "admin" : "partner");
	c.set("partner", hex(presented).slice(0, 16));
	await next();
};

/** Compares against every digest, so the time taken does not tell which one matched. */
function matchesAny(digests: Uint8Array[], presented: Uint8Array): boolean {
	let matched = false;
	for (const digest of digests) matched = sameBytes(digest, presented) || matched;
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

function keyDigests(settings: Settings): Promise<KeyDigests> {
	let digests = digested.get(settings);
	if (!digests) {
		digests = Promise.all([
			digestsOf("ADMIN_API_KEYS", settings.ADMIN_API_KEYS),
			digestsOf("PARTNER_API_KEYS", settings.PARTNER_API_KEYS),
		]).then(([admin, partner]) => ({ admin, partner }));
		digested.set(settings, digests);
	}
	return digests;
}

async function digestsOf(setting: string, entries: string[]): Promise<Uint8Array[]> {
	const digests = await Promise.all(entries.map((e) => (e.startsWith(HASHED) ? digestOf(setting, e) : sha256(e))));
	return digests.filter((d): d is Uint8Array => d !== null);
}

function digestOf(setting: string, entry: string): Uint8Array | null {
	const digest = fromHex(entry.slice(HASHED.length));
	if (digest?.length === 32) return digest;
	log("warn", { message: `${setting} has a malformed sha256: entry; ignored` });
	return null;
}
