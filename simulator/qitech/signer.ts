/**
 * Signs webhooks the way QI Tech does, under each scheme the receiver accepts (README,
 * "Signatures"). The cryptography is a set of primitives: WebCrypto here (workerd, where the
 * tests run), node:crypto in `node-crypto.ts` (the simulator and the bench), synchronous there so
 * the bench can sign while it builds requests. Everything else is shared.
 */
import { hex, md5Hex } from "../../src/digests";
import { pythonJsonDumps } from "../../src/ingress/signature/python-json";
import type { SignatureScheme } from "../../src/model";
import { parseSettings, type SettingsEnv } from "../../src/settings";

type Maybe<T> = T | Promise<T>;

export interface SigningPrimitives {
	hmacSha256(key: string, data: Uint8Array): Maybe<Uint8Array>;
	/** ECDSA P-521 with SHA-512, as a JWS wants it: r‖s, 132 bytes. */
	es512(privateKeyPem: string, data: Uint8Array): Maybe<Uint8Array>;
	md5Hex(data: Uint8Array): Maybe<string>;
}

export interface SigningKeys {
	/** One of the receiver's QITECH_HMAC_KEYS. */
	hmacKey: string;
	/** PKCS#8 PEM of the ES512 private key (literal \n accepted). */
	es512PrivateKey: string;
	apiClientKey?: string;
}

/** What the token's claims carry (see README, "Signatures"). */
export type ClaimShape = "request" | "signature-line" | "body" | "nothing";

export interface SignOptions {
	scheme: SignatureScheme;
	url: string;
	method?: string;
	shape?: ClaimShape;
	/** ES512: MD5 over Python's json.dumps form (QI Tech's page) or over the raw bytes. */
	md5Of?: "python" | "raw";
	/** Bare HMAC encoding. */
	digest?: "hex" | "base64" | "sha256=hex";
	now?: Date;
}

export type Headers = Record<string, string>;

const encoder = new TextEncoder();

export class QitechSigner<P extends SigningPrimitives = SigningPrimitives> {
	readonly keys: SigningKeys;
	private readonly crypto: P;

	constructor(keys: SigningKeys, primitives: P) {
		this.keys = { ...keys, es512PrivateKey: keys.es512PrivateKey.replaceAll("\\n", "\n") };
		this.crypto = primitives;
	}

	/** Synchronous when the primitives are (node-crypto.ts). */
	headers(body: string, options: SignOptions): Maybe<Headers> {
		const bytes = encoder.encode(body);
		if (options.scheme === "hmac") {
			return then(this.crypto.hmacSha256(this.keys.hmacKey, bytes), (mac) => ({
				Signature: encodeDigest(mac, options.digest ?? "hex"),
			}));
		}
		const shape = options.shape ?? (options.scheme === "hs256" ? "body" : "request");
		return then(this.claims(body, bytes, shape, options), (claims) => {
			const alg = options.scheme === "hs256" ? "HS256" : "ES512";
			const input = `${base64url(JSON.stringify({ alg, typ: "JWT" }))}.${base64url(JSON.stringify(claims))}`;
			const signature =
				alg === "HS256"
					? this.crypto.hmacSha256(this.keys.hmacKey, encoder.encode(input))
					: this.crypto.es512(this.keys.es512PrivateKey, encoder.encode(input));
			return then(signature, (sig): Headers => {
				const token = `${input}.${base64url(sig)}`;
				if (alg === "HS256") return { Signature: token };
				return this.keys.apiClientKey
					? { Authorization: token, "API-CLIENT-KEY": this.keys.apiClientKey }
					: { Authorization: token };
			});
		});
	}

	private claims(body: string, bytes: Uint8Array, shape: ClaimShape, options: SignOptions) {
		const now = options.now ?? new Date();
		const method = options.method ?? "POST";
		const uri = new URL(options.url).pathname;
		if (shape === "body")
			return { ...(JSON.parse(body) as Record<string, unknown>), iat: Math.floor(now.getTime() / 1000) };
		if (shape === "nothing") return {};
		const md5Input = options.md5Of === "raw" ? bytes : encoder.encode(pythonJsonDumps(body));
		return then(this.crypto.md5Hex(md5Input), (md5) =>
			shape === "request"
				? { payload_md5: md5, timestamp: now.toISOString(), method, uri }
				: { signature: `${method}\n${uri}\n${md5}`, timestamp: now.toISOString() },
		);
	}
}

/** WebCrypto primitives, for workerd (whose WebCrypto has MD5, unlike Node's). */
export const webCrypto: SigningPrimitives = {
	async hmacSha256(key, data) {
		const hmac = { name: "HMAC", hash: "SHA-256" };
		const imported = await crypto.subtle.importKey("raw", encoder.encode(key), hmac, false, ["sign"]);
		return new Uint8Array(await crypto.subtle.sign("HMAC", imported, data));
	},
	async es512(pem, data) {
		const der = Uint8Array.from(atob(pem.replace(/-----[^-]+-----|\s/g, "")), (c) => c.charCodeAt(0));
		const key = await crypto.subtle.importKey("pkcs8", der, { name: "ECDSA", namedCurve: "P-521" }, false, ["sign"]);
		return new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-512" }, key, data));
	},
	md5Hex,
};

/** The signing keys of a receiver's settings (.dev.vars): its first HMAC key, the dev-only ES512 key. */
export function signingKeysOf(vars: SettingsEnv & { DEV_QITECH_ES512_PRIVATE_KEY?: string }): SigningKeys {
	const settings = parseSettings(vars);
	return {
		hmacKey: settings.QITECH_HMAC_KEYS[0] ?? "",
		es512PrivateKey: vars.DEV_QITECH_ES512_PRIVATE_KEY ?? "",
		apiClientKey: settings.QITECH_API_CLIENT_KEY ?? undefined,
	};
}

function then<A, B>(value: Maybe<A>, next: (a: A) => Maybe<B>): Maybe<B> {
	return value instanceof Promise ? value.then(next) : next(value);
}

function encodeDigest(mac: Uint8Array, encoding: NonNullable<SignOptions["digest"]>): string {
	if (encoding === "base64") return btoa(String.fromCharCode(...mac));
	return encoding === "sha256=hex" ? `sha256=${hex(mac)}` : hex(mac);
}

function base64url(data: string | Uint8Array): string {
	const bytes = typeof data === "string" ? encoder.encode(data) : data;
	let binary = "";
	for (const b of bytes) binary += String.fromCharCode(b);
	return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}
