/**
 * Verifies a QI Tech webhook under each of its signing schemes (see README, "Signatures").
 * The header picks the scheme and pins the algorithm; the token's own `alg` never does.
 */
import { type JWTPayload, errors as joseErrors, jwtVerify } from "jose";
import { fromHex, sameSecret } from "../../digests";
import { ApiError } from "../../errors";
import { log } from "../../logger";
import type { SignatureScheme } from "../../model";
import { BODY_BINDINGS, checkBindings, type SignedRequest } from "./bindings";
import type { SignatureConfig } from "./config";

export interface Verified {
	scheme: SignatureScheme;
	/** What the signature binds, e.g. `body_hmac`, `payload_md5+method+uri+timestamp`, or `none`. */
	binding: string;
}

const CLOCK_TOLERANCE_SECONDS = 30;

export async function verifySignature(
	headers: Headers,
	request: SignedRequest,
	config: SignatureConfig,
	nowMs = Date.now(),
): Promise<Verified> {
	const signature = headers.get("signature")?.trim();
	const authorization = headers.get("authorization")?.trim();
	if (signature) {
		if (signature.split(".").length === 3) {
			const claims = await verifyHs256(signature, config, nowMs);
			return withBindings("hs256", claims, request, config, nowMs);
		}
		await verifyBodyHmac(signature, request.body, config);
		return { scheme: "hmac", binding: "body_hmac" };
	}
	if (authorization) {
		const claims = await verifyEs512(authorization.replace(/^Bearer\s+/i, ""), headers, config, nowMs);
		return withBindings("es512", claims, request, config, nowMs);
	}
	throw new ApiError("missing_signature", "no Signature or Authorization header");
}

async function withBindings(
	scheme: SignatureScheme,
	claims: JWTPayload,
	request: SignedRequest,
	config: SignatureConfig,
	nowMs: number,
): Promise<Verified> {
	const bound = await checkBindings(claims, request, config.maxAgeSeconds, nowMs);
	if (config.requireBodyBinding && !bound.some((b) => BODY_BINDINGS.has(b))) {
		throw new ApiError(
			"invalid_signature",
			"the token binds nothing about the body: no payload_md5, no signature claim, no envelope claims (REQUIRE_BODY_BINDING)",
		);
	}
	return { scheme, binding: bound.length > 0 ? bound.join("+") : "none" };
}

async function verifyHs256(token: string, config: SignatureConfig, nowMs: number): Promise<JWTPayload> {
	if (config.hmacKeys.length === 0) throw new ApiError("invalid_signature", "no shared signature key is configured");
	for (const key of config.hmacKeys) {
		try {
			return await verifyJwt(token, key, "HS256", nowMs);
		} catch (err) {
			if (!(err instanceof joseErrors.JWSSignatureVerificationFailed)) throw rejection(err);
		}
	}
	throw new ApiError("invalid_signature", "the token does not verify with any active key");
}

async function verifyEs512(token: string, headers: Headers, config: SignatureConfig, nowMs: number) {
	if (!config.es512Key) {
		if (config.es512Problem) log("error", { message: `QITECH_ES512_PUBLIC_KEY ${config.es512Problem}` });
		throw new ApiError("invalid_signature", "the ES512 scheme is not configured");
	}
	if (config.apiClientKey !== null) {
		const given = headers.get("api-client-key")?.trim() ?? "";
		if (!(await sameSecret(given, config.apiClientKey))) {
			throw new ApiError("invalid_signature", "missing or wrong API-CLIENT-KEY");
		}
	}
	try {
		return await verifyJwt(token, config.es512Key, "ES512", nowMs);
	} catch (err) {
		throw rejection(err);
	}
}

async function verifyJwt(token: string, key: CryptoKey, alg: "HS256" | "ES512", nowMs: number) {
	const { payload } = await jwtVerify(token, key, {
		algorithms: [alg],
		clockTolerance: CLOCK_TOLERANCE_SECONDS,
		currentDate: new Date(nowMs),
	});
	return payload;
}

function rejection(err: unknown): ApiError {
	if (err instanceof ApiError) return err;
	if (err instanceof joseErrors.JOSEAlgNotAllowed)
		return new ApiError("invalid_signature", "algorithm not allowed here");
	if (err instanceof joseErrors.JWTExpired) return new ApiError("invalid_signature", "the token has expired");
	if (err instanceof joseErrors.JWTClaimValidationFailed) {
		return new ApiError("invalid_signature", `claim check failed: ${err.claim}`);
	}
	if (err instanceof joseErrors.JWSSignatureVerificationFailed) {
		return new ApiError("invalid_signature", "the token's signature does not verify");
	}
	return new ApiError("invalid_signature", "malformed token");
}

async function verifyBodyHmac(value: string, body: Uint8Array, config: SignatureConfig): Promise<void> {
	const digest = decodeDigest(value.replace(/^sha256=/i, ""));
	if (!digest) throw new ApiError("invalid_signature", "the Signature header is neither a JWT nor a SHA-256 digest");
	if (config.hmacKeys.length === 0) throw new ApiError("invalid_signature", "no shared signature key is configured");
	for (const key of config.hmacKeys) {
		// subtle.verify compares in constant time.
		if (await crypto.subtle.verify("HMAC", key, digest, body)) return;
	}
	throw new ApiError("invalid_signature", "the body digest does not verify with any active key");
}

function decodeDigest(value: string): Uint8Array<ArrayBuffer> | null {
	if (/^[0-9a-fA-F]{64}$/.test(value)) return fromHex(value);
	if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) return null;
	try {
		const bytes = Uint8Array.from(atob(value.replaceAll("-", "+").replaceAll("_", "/").padEnd(44, "=")), (c) =>
			c.charCodeAt(0),
		);
		return bytes.length === 32 ? bytes : null;
	} catch {
		return null;
	}
}
