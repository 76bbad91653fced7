/**
 * What a verified token's claims bind the request to, and whether the request matches.
 * A token proves QI Tech signed its claims; only these checks tie the claims to this body.
 */
import type { JWTPayload } from "jose";
import { md5Hex } from "../../digests";
import { ApiError } from "../../errors";
import { pythonJsonDumps, roundTrips } from "./python-json";

export interface SignedRequest {
	method: string;
	path: string;
	url: string;
	body: Uint8Array;
	text: string;
	/** The body parsed (once, by whoever asks first), or NOT_JSON. */
	json: () => unknown;
}

/** What `json()` answers for a body that is not JSON. */
export const NOT_JSON = Symbol("not JSON");

/** Claims a token carries besides the body itself. */
const REGISTERED = new Set(["iat", "exp", "nbf", "iss", "aud", "sub", "jti"]);
const ENVELOPE_FIELDS = ["event_type", "webhook_type", "event_data", "data"];
/** Bindings that tie the token to the body, as opposed to the request line or time. */
export const BODY_BINDINGS = new Set(["body_hmac", "payload_md5", "claims"]);

/** Returns the names of the bindings present and checked; throws on any mismatch. */
export async function checkBindings(
	claims: JWTPayload,
	request: SignedRequest,
	maxAgeSeconds: number,
	nowMs: number,
): Promise<string[]> {
	const bound: string[] = [];
	const mismatch = (what: string): never => {
		throw new ApiError("invalid_signature", `the token's ${what} does not match the request`);
	};

	let md5 = claims.payload_md5;
	let method = claims.method;
	let uri = claims.uri;
	if (typeof claims.signature === "string") {
		const lines = claims.signature.split("\n");
		if (lines.length !== 3) mismatch("signature claim");
		[method, uri, md5] = lines;
	}
	if (md5 !== undefined) {
		if (typeof md5 !== "string" || !(await md5Matches(md5, request))) mismatch("payload_md5");
		bound.push("payload_md5");
	}
	if (method !== undefined) {
		if (typeof method !== "string" || method.toUpperCase() !== request.method.toUpperCase()) mismatch("method");
		bound.push("method");
	}
	if (uri !== undefined) {
		if (typeof uri !== "string" || !uriMatches(uri, request)) mismatch("uri");
		bound.push("uri");
	}
	if (claims.timestamp !== undefined) {
		const at = typeof claims.timestamp === "string" ? Date.parse(claims.timestamp) : Number.NaN;
		if (!withinWindow(at, nowMs, maxAgeSeconds)) {
			throw new ApiError("invalid_signature", "the token's timestamp is outside the allowed window");
		}
		bound.push("timestamp");
	}
	if (claims.iat !== undefined) {
		if (!withinWindow(claims.iat * 1000, nowMs, maxAgeSeconds)) {
			throw new ApiError("invalid_signature", "the token was issued outside the allowed window");
		}
		bound.push("iat");
	}
	if (ENVELOPE_FIELDS.some((field) => field in claims)) {
		if (!claimsEqualBody(claims, request.json())) mismatch("claims");
		bound.push("claims");
	}
	return bound;
}

function withinWindow(atMs: number, nowMs: number, maxAgeSeconds: number): boolean {
	return Number.isFinite(atMs) && Math.abs(nowMs - atMs) <= maxAgeSeconds * 1000;
}

function uriMatches(uri: string, request: SignedRequest): boolean {
	const url = new URL(request.url);
	return uri === request.path || uri === `${url.pathname}${url.search}` || uri === request.url;
}

/**
 * The MD5 of the raw body, or of Python's `json.dumps` form (QI Tech's ES512 page) when the raw
 * text's numbers and strings read back as written: otherwise `0.3` and `0.29999999999999999`
 * would bind the same token while a partner's decimal parser sees two amounts.
 */
async function md5Matches(claimed: string, request: SignedRequest): Promise<boolean> {
	const want = claimed.toLowerCase();
	if ((await md5Hex(request.body)) === want) return true;
	let python: string;
	try {
		python = pythonJsonDumps(request.text);
	} catch {
		return false;
	}
	if ((await md5Hex(python)) !== want) return false;
	if (roundTrips(request.text)) return true;
	throw new ApiError(
		"invalid_signature",
		"payload_md5 matches Python's json.dumps form only, and the body's numbers or strings do not read back as written",
	);
}

function claimsEqualBody(claims: JWTPayload, body: unknown): boolean {
	if (body === NOT_JSON) return false;
	const rest = Object.fromEntries(Object.entries(claims).filter(([k]) => !REGISTERED.has(k)));
	return sameJson(rest, body);
}

function sameJson(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
	if (Array.isArray(a) !== Array.isArray(b)) return false;
	const ka = Object.keys(a);
	const kb = Object.keys(b);
	if (ka.length !== kb.length) return false;
	return ka.every(
		(k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
	);
}
