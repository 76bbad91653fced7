/**
 * Who is calling: `Authorization: Bearer <key>`, against the bootstrap keys of the environment
 * (PARTNER_API_KEYS, ADMIN_API_KEYS: compared as SHA-256 digests in constant time, every one each
 * time) and then the keys managed in D1 (found by digest; revoked or expired ones refused). What
 * D1 answers is kept for KEY_CACHE_MS per isolate, so a revocation takes effect within it.
 */
import type { MiddlewareHandler } from "hono";
import type { AnyKind } from "../catalog/catalog";
import { fromHex, hex, sameBytes, sha256 } from "../digests";
import type { Env } from "../env";
import { ApiError } from "../errors";
import { log } from "../logger";
import { type ConfiguredKey, type Settings, settingsOf } from "../settings";
import { type ApiKey, findApiKey, noteUse, usableKeyByDigest } from "../storage/api-keys";
import type { ApiEnv } from "./context";
import { rateLimited } from "./rate-limit";

/** What a key may do. Its label names it in logs and audit trails; the key itself never appears. */
export interface Identity {
	/** `env:<role>:<label>` for a key of the environment, the D1 key's id otherwise. */
	id: string;
	label: string;
	role: "admin" | "partner";
	/** Entity kinds this key may read; null: every kind. */
	kinds: AnyKind[] | null;
	/** Whether events come with QI Tech's payload (CPF/CNPJ, bank data). */
	payloads: boolean;
}

interface KnownKey {
	digest: Uint8Array;
	identity: Identity;
}

const known = new WeakMap<Settings, Promise<KnownKey[]>>();

export const KEY_CACHE_MS = 30_000;
const MAX_CACHED_KEYS = 1000;
const stored = new Map<string, { identity: Identity | null; until: number }>();

/**
 * The identity of a bearer key, or null when no key matches. `from` (the client's address) bounds
 * how often strangers can make the receiver ask D1 about keys it has not seen (the rate limiter).
 */
export async function identify(env: Env, key: string, from: string | null, now = Date.now()): Promise<Identity | null> {
	const presented = await sha256(key);
	let found: Identity | null = null;
	for (const candidate of await knownKeys(settingsOf(env))) {
		if (sameBytes(candidate.digest, presented)) found ??= candidate.identity;
	}
	return found ?? storedIdentity(env, hex(presented), from, now);
}

async function storedIdentity(env: Env, digest: string, from: string | null, now: number): Promise<Identity | null> {
	const cached = stored.get(digest);
	if (cached && cached.until > now) return cached.identity;
	const limited = await env.LOOKUP_RATE_LIMITER?.limit({ key: `unknown-key:${from ?? "unknown"}` });
	if (limited && !limited.success) throw rateLimited(settingsOf(env));
	const key = await usableKeyByDigest(env.HISTORY, digest, new Date(now).toISOString());
	const identity = key && identityOf(key);
	if (stored.size >= MAX_CACHED_KEYS) stored.delete(stored.keys().next().value as string);
	stored.set(digest, { identity, until: cachedUntil(key, now) });
	return identity;
}

/** How long D1's answer about a key is kept: KEY_CACHE_MS, never past the key's expiry. */
function cachedUntil(key: { expires_at: string | null } | null, now: number): number {
	const expires = key?.expires_at ? Date.parse(key.expires_at) : Number.POSITIVE_INFINITY;
	return Math.min(now + KEY_CACHE_MS, expires);
}

/**
 * The identity of a key by its id (a console session holds the id, never the key): null once the
 * key is gone from the environment, revoked or expired (D1's answer kept KEY_CACHE_MS, as above).
 */
export async function identityById(env: Env, id: string, now = Date.now()): Promise<Identity | null> {
	if (id.startsWith("env:")) {
		return (await knownKeys(settingsOf(env))).find((k) => k.identity.id === id)?.identity ?? null;
	}
	const cached = byId.get(id);
	if (cached && cached.until > now) return cached.identity;
	const key = await findApiKey(env.HISTORY, id);
	const usable = key && key.revoked_at === null && (key.expires_at === null || Date.parse(key.expires_at) > now);
	const identity: Identity | null = usable ? identityOf(key) : null;
	if (byId.size >= MAX_CACHED_KEYS) byId.delete(byId.keys().next().value as string);
	byId.set(id, { identity, until: cachedUntil(usable ? key : null, now) });
	return identity;
}

const byId = new Map<string, { identity: Identity | null; until: number }>();

function identityOf(key: ApiKey): Identity {
	return { id: key.id, label: key.label, role: key.role, kinds: key.kinds, payloads: key.payloads };
}

/** Sets `identity` for the routes; anything but a known key is the same 401. */
export const authenticate: MiddlewareHandler<ApiEnv> = async (c, next) => {
	const key = bearerToken(c.req.header("authorization"));
	const identity = key === null ? null : await identify(c.env, key, c.req.header("cf-connecting-ip") ?? null);
	if (!identity) throw unauthorized();
	c.set("identity", identity);
	c.set("caller", identity.label);
	if (!identity.id.startsWith("env:")) c.executionCtx.waitUntil(noteUseOnce(c.env.HISTORY, identity.id));
	await next();
};

const LAST_USE_EVERY_MS = 60_000;
const lastNoted = new Map<string, number>();

/** At most once a minute per key and isolate: last use is for people, not an audit trail. */
async function noteUseOnce(db: D1Database, id: string): Promise<void> {
	const now = Date.now();
	if ((lastNoted.get(id) ?? 0) > now - LAST_USE_EVERY_MS) return;
	lastNoted.set(id, now);
	if (lastNoted.size > MAX_CACHED_KEYS) lastNoted.delete(lastNoted.keys().next().value as string);
	await noteUse(db, id, new Date(now).toISOString()).catch((err) =>
		log("warn", { message: "last use of an API key not noted", key: id, error: String(err) }),
	);
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

/** Admin keys first: a key listed in both lists is an admin key. */
function knownKeys(settings: Settings): Promise<KnownKey[]> {
	let keys = known.get(settings);
	if (!keys) {
		const entries = [
			...settings.ADMIN_API_KEYS.map((key) => ({ key, role: "admin" as const })),
			...settings.PARTNER_API_KEYS.map((key) => ({ key, role: "partner" as const })),
		];
		keys = Promise.all(
			entries.map(async ({ key, role }) => ({
				digest: await digestOf(key),
				identity: { id: `env:${role}:${key.label}`, label: key.label, role, kinds: null, payloads: true },
			})),
		);
		known.set(settings, keys);
	}
	return keys;
}

async function digestOf(key: ConfiguredKey): Promise<Uint8Array> {
	return "digest" in key ? (fromHex(key.digest) ?? new Uint8Array()) : sha256(key.clear);
}
