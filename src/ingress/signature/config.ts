/** Verification settings read from vars/secrets, with the keys imported once per isolate. */
import { importSPKI } from "jose";

export interface SignatureEnv {
	QITECH_HMAC_KEYS?: string;
	QITECH_ES512_PUBLIC_KEY?: string;
	QITECH_API_CLIENT_KEY?: string;
	SIGNATURE_MAX_AGE_SECONDS?: string;
	REQUIRE_BODY_BINDING?: string;
}

export interface SignatureConfig {
	hmacKeys: CryptoKey[];
	es512Key: CryptoKey | null;
	apiClientKey: string | null;
	maxAgeSeconds: number;
	requireBodyBinding: boolean;
}

let cached: { source: string; config: Promise<SignatureConfig> } | null = null;

export function signatureConfig(env: SignatureEnv): Promise<SignatureConfig> {
	const source = JSON.stringify([
		env.QITECH_HMAC_KEYS,
		env.QITECH_ES512_PUBLIC_KEY,
		env.QITECH_API_CLIENT_KEY,
		env.SIGNATURE_MAX_AGE_SECONDS,
		env.REQUIRE_BODY_BINDING,
	]);
	if (cached?.source !== source) {
		const config = load(env);
		// A bad key must not poison the cache: the next request tries again.
		config.catch(() => {
			if (cached?.config === config) cached = null;
		});
		cached = { source, config };
	}
	return cached.config;
}

async function load(env: SignatureEnv): Promise<SignatureConfig> {
	const secrets = listOf(env.QITECH_HMAC_KEYS);
	const pem = env.QITECH_ES512_PUBLIC_KEY?.replaceAll("\\n", "\n").trim();
	return {
		hmacKeys: await Promise.all(secrets.map(importHmacKey)),
		es512Key: pem ? await importSPKI(pem, "ES512") : null,
		apiClientKey: env.QITECH_API_CLIENT_KEY?.trim() || null,
		maxAgeSeconds: positiveNumber(env.SIGNATURE_MAX_AGE_SECONDS, 300),
		requireBodyBinding: env.REQUIRE_BODY_BINDING?.trim().toLowerCase() === "true",
	};
}

export function importHmacKey(secret: string): Promise<CryptoKey> {
	return crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
		"sign",
		"verify",
	]);
}

export function listOf(value: string | undefined): string[] {
	return (value ?? "")
		.split(",")
		.map((s) => s.trim())
		.filter((s) => s !== "");
}

function positiveNumber(value: string | undefined, fallback: number): number {
	const n = Number(value);
	return value !== undefined && value.trim() !== "" && Number.isFinite(n) && n > 0 ? n : fallback;
}
