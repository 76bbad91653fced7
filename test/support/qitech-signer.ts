/**
 * Signs webhooks the way QI Tech does, under each scheme the receiver accepts. Used by the
 * tests and the simulator; runs on WebCrypto (workerd or Node 22) plus an MD5 you supply,
 * because Node's WebCrypto has no MD5 (Cloudflare's does).
 */
import { importPKCS8, SignJWT } from "jose";
import { pythonJsonDumps } from "../../src/ingress/signature/python-json";

export type Scheme = "hs256" | "hmac" | "es512";

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
	scheme: Scheme;
	url: string;
	method?: string;
	shape?: ClaimShape;
	/** ES512: MD5 over Python's json.dumps form (QI Tech's page) or over the raw bytes. */
	md5Of?: "python" | "raw";
	/** Bare HMAC encoding. */
	digest?: "hex" | "base64" | "sha256=hex";
	now?: Date;
}

export type Md5Hex = (bytes: Uint8Array) => Promise<string>;

export class QitechSigner {
	private es512Key: Promise<CryptoKey> | null = null;

	constructor(
		readonly keys: SigningKeys,
		private readonly md5Hex: Md5Hex,
	) {}

	async headers(body: string, options: SignOptions): Promise<Record<string, string>> {
		const bytes = new TextEncoder().encode(body);
		if (options.scheme === "hmac") return { Signature: await this.bodyDigest(bytes, options.digest ?? "hex") };
		const shape = options.shape ?? (options.scheme === "hs256" ? "body" : "request");
		const claims = await this.claims(body, bytes, shape, options);
		if (options.scheme === "hs256") {
			const token = await new SignJWT(claims)
				.setProtectedHeader({ alg: "HS256", typ: "JWT" })
				.sign(new TextEncoder().encode(this.keys.hmacKey));
			return { Signature: token };
		}
		this.es512Key ??= importPKCS8(this.keys.es512PrivateKey.replaceAll("\\n", "\n"), "ES512");
		const token = await new SignJWT(claims).setProtectedHeader({ alg: "ES512", typ: "JWT" }).sign(await this.es512Key);
		const headers: Record<string, string> = { Authorization: token };
		if (this.keys.apiClientKey) headers["API-CLIENT-KEY"] = this.keys.apiClientKey;
		return headers;
	}

	private async claims(body: string, bytes: Uint8Array, shape: ClaimShape, options: SignOptions) {
		const now = options.now ?? new Date();
		const method = options.method ?? "POST";
		const uri = new URL(options.url).pathname;
		const md5 = await this.md5Hex(options.md5Of === "raw" ? bytes : new TextEncoder().encode(pythonJsonDumps(body)));
		switch (shape) {
			case "request":
				return { payload_md5: md5, timestamp: now.toISOString(), method, uri };
			case "signature-line":
				return { signature: `${method}\n${uri}\n${md5}`, timestamp: now.toISOString() };
			case "body":
				return { ...(JSON.parse(body) as Record<string, unknown>), iat: Math.floor(now.getTime() / 1000) };
			case "nothing":
				return {};
		}
	}

	private async bodyDigest(bytes: Uint8Array, encoding: NonNullable<SignOptions["digest"]>): Promise<string> {
		const key = await crypto.subtle.importKey(
			"raw",
			new TextEncoder().encode(this.keys.hmacKey),
			{ name: "HMAC", hash: "SHA-256" },
			false,
			["sign"],
		);
		const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, bytes));
		const hexDigest = [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
		if (encoding === "base64") return btoa(String.fromCharCode(...mac));
		return encoding === "sha256=hex" ? `sha256=${hexDigest}` : hexDigest;
	}
}
