/** Verification settings with the keys imported once per configuration. */
import { importSPKI } from "jose";
import { type Settings, type SettingsEnv, settingsOf } from "../../settings";

export interface SignatureConfig {
	hmacKeys: CryptoKey[];
	es512Key: CryptoKey | null;
	/** Why the ES512 scheme is off although a key is set: it does not parse or import. */
	es512Problem: string | null;
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
		loaded.set(settings, config);
	}
	return config;
}

/** A key that does not import turns off its scheme only; the others keep verifying. */
async function load(settings: Settings): Promise<SignatureConfig> {
	const pem = settings.QITECH_ES512_PUBLIC_KEY;
	const es512 = pem
		? await importSPKI(pem, "ES512").then(
				(key) => ({ key, problem: null }),
				(err: unknown) => ({ key: null, problem: `does not import as a P-521 public key (${String(err)})` }),
			)
		: { key: null, problem: settings.problems.find((p) => p.setting === "QITECH_ES512_PUBLIC_KEY")?.message ?? null };
	return {
		hmacKeys: await Promise.all(settings.QITECH_HMAC_KEYS.map(importHmacKey)),
		es512Key: es512.key,
		es512Problem: es512.problem,
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
