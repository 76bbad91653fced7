/** Verification settings with the keys imported once per configuration. */
import { importSPKI } from "jose";
import { type Settings, type SettingsEnv, settingsOf } from "../../settings";

export interface SignatureConfig {
	hmacKeys: CryptoKey[];
	es512Key: CryptoKey | null;
	apiClientKey: string | null;
	maxAgeSeconds: number;
	requireBodyBinding: boolean;
}

const loaded = new WeakMap<Settings, Promise<SignatureConfig>>();

export function signatureConfig(env: SettingsEnv): Promise<SignatureConfig> {
	const settings = settingsOf(env);
	let config = loaded.get(settings);
	if (!config) {
		config = load(settings);
		// A key that fails to import must not poison the cache: the next request tries again.
		config.catch(() => loaded.delete(settings));
		loaded.set(settings, config);
	}
	return config;
}

async function load(settings: Settings): Promise<SignatureConfig> {
	const pem = settings.QITECH_ES512_PUBLIC_KEY;
	return {
		hmacKeys: await Promise.all(settings.QITECH_HMAC_KEYS.map(importHmacKey)),
		es512Key: pem ? await importSPKI(pem, "ES512") : null,
		apiClientKey: settings.QITECH_API_CLIENT_KEY,
		maxAgeSeconds: settings.SIGNATURE_MAX_AGE_SECONDS,
		requireBodyBinding: settings.REQUIRE_BODY_BINDING,
	};
}

export function importHmacKey(secret: string): Promise<CryptoKey> {
	return crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
		"sign",
		"verify",
	]);
}
