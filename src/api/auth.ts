/**
 * Who is calling: `Authorization: Bearer <key>` against the configured keys (PARTNER_API_KEYS,
 * ADMIN_API_KEYS). Keys are compared as SHA-256 digests in constant time, every configured key
 * each time, so neither timing nor the answer tells which part of a credential was wrong.
 */
import type { MiddlewareHandler } from "hono";
import type { AnyKind } from "../catalog/catalog";
import { fromHex, sameBytes, sha256 } from "../digests";
import type { Env } from "../env";
import { ApiError } from "../errors";
import { type ConfiguredKey, type Settings, settingsOf } from "../settings";
import type { ApiEnv } from "./context";

/** What a key may do. Its label names it in logs and audit trails; the key itself never appears. */
export interface Identity {
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

/** The identity of a bearer key, or null when no configured key matches. */
export async function identify(env: Env, key: string): Promise<Identity | null> {
	const presented = await sha256(key);
	let found: Identity | null = null;
	for (const candidate of await knownKeys(settingsOf(env))) {
		if (sameBytes(candidate.digest, presented)) found ??= candidate.identity;
	}
	return found;
}

/** Sets `identity` for the routes; anything but a known key is the same 401. */
export const authenticate: MiddlewareHandler<ApiEnv> = async (c, next) => {
	const key = bearerToken(c.req.header("authorization"));
	const identity = key === null ? null : await identify(c.env, key);
	if (!identity) throw unauthorized();
	c.set("identity", identity);
	c.set("caller", identity.label);
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
				identity: { label: key.label, role, kinds: null, payloads: true },
			})),
		);
		known.set(settings, keys);
	}
	return keys;
}

async function digestOf(key: ConfiguredKey): Promise<Uint8Array> {
	return "digest" in key ? (fromHex(key.digest) ?? new Uint8Array()) : sha256(key.clear);
}
