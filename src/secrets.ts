/**
 * Secrets at rest (destination signing secrets): AES-GCM with a key of SECRETS_ENCRYPTION_KEYS,
 * bound to what they belong to (the additional data), stored as `v1.<key id>.<iv>.<ciphertext>`.
 * The first key seals; any listed key opens, so keys rotate: list the new one first, let the
 * sweep re-seal (src/notifications/reseal.ts), then drop the old one.
 */
import { base64url, fromBase64url } from "./digests";
import { ApiError } from "./errors";
import type { Settings } from "./settings";

const VERSION = "v1";
const keys = new WeakMap<Settings, Promise<Map<string, CryptoKey>>>();

function keysOf(settings: Settings): Promise<Map<string, CryptoKey>> {
	let imported = keys.get(settings);
	if (!imported) {
		imported = Promise.all(
			settings.SECRETS_ENCRYPTION_KEYS.map(
				async ({ id, key }) =>
					[id, await crypto.subtle.importKey("raw", key, "AES-GCM", false, ["encrypt", "decrypt"])] as const,
			),
		).then((entries) => new Map(entries));
		keys.set(settings, imported);
	}
	return imported;
}

/** The id of the key that seals now, or null when none is configured. */
export function currentKeyId(settings: Settings): string | null {
	return settings.SECRETS_ENCRYPTION_KEYS[0]?.id ?? null;
}

export async function seal(settings: Settings, plaintext: string, context: string): Promise<string> {
	const id = currentKeyId(settings);
	if (id === null) {
		throw new ApiError("unavailable", "SECRETS_ENCRYPTION_KEYS is not set: secrets cannot be stored", undefined, {
			"Retry-After": "3600",
		});
	}
	const key = (await keysOf(settings)).get(id) as CryptoKey;
	const iv = crypto.getRandomValues(new Uint8Array(12));
	const sealed = await crypto.subtle.encrypt(
		{ name: "AES-GCM", iv, additionalData: new TextEncoder().encode(context) },
		key,
		new TextEncoder().encode(plaintext),
	);
	return [VERSION, id, base64url(iv), base64url(new Uint8Array(sealed))].join(".");
}

/** The plaintext, or an Error saying why it cannot be had (unknown key id, tampered or moved). */
export async function open(settings: Settings, sealed: string, context: string): Promise<string> {
	const [version, id, iv, data] = sealed.split(".");
	if (version !== VERSION || !id || !iv || !data) throw new Error("not a sealed secret");
	const key = (await keysOf(settings)).get(id);
	if (!key) throw new Error(`sealed with key ${id}, which SECRETS_ENCRYPTION_KEYS does not list`);
	try {
		const plain = await crypto.subtle.decrypt(
			{ name: "AES-GCM", iv: fromBase64url(iv), additionalData: new TextEncoder().encode(context) },
			key,
			fromBase64url(data),
		);
		return new TextDecoder().decode(plain);
	} catch {
		throw new Error(`does not open with key ${id}: altered, or sealed for something else`);
	}
}

export function keyIdOf(sealed: string): string | null {
	const [version, id] = sealed.split(".");
	return version === VERSION && id ? id : null;
}
