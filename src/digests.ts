/** Hex and base64url, SHA-256 and MD5 digests, and constant-time comparison: written once for the receiver. */

const encoder = new TextEncoder();
const bytesOf = (data: Uint8Array | string) => (typeof data === "string" ? encoder.encode(data) : data);

export function hex(bytes: Uint8Array): string {
	let out = "";
	for (const b of bytes) out += b.toString(16).padStart(2, "0");
	return out;
}

/** The bytes of an even-length hex string, or null if it is not one. */
export function fromHex(text: string): Uint8Array<ArrayBuffer> | null {
	if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return null;
	const bytes = new Uint8Array(text.length / 2);
	for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(text.slice(2 * i, 2 * i + 2), 16);
	return bytes;
}

export function base64url(bytes: Uint8Array): string {
	let binary = "";
	for (const b of bytes) binary += String.fromCharCode(b);
	return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The bytes of base64url (or base64) text; throws on text that is neither. */
export function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
	return Uint8Array.from(atob(text.replaceAll("-", "+").replaceAll("_", "/")), (c) => c.charCodeAt(0));
}

export async function sha256(data: Uint8Array | string): Promise<Uint8Array> {
	return new Uint8Array(await crypto.subtle.digest("SHA-256", bytesOf(data)));
}

export async function sha256Hex(data: Uint8Array | string): Promise<string> {
	return hex(await sha256(data));
}

/** MD5 is a Cloudflare extension of WebCrypto (QI Tech's `payload_md5`). */
export async function md5Hex(data: Uint8Array | string): Promise<string> {
	return hex(new Uint8Array(await crypto.subtle.digest("MD5", bytesOf(data))));
}

/** workerd's extension of WebCrypto; the module stays importable from Node for the rest. */
type WorkerdSubtle = typeof crypto.subtle & { timingSafeEqual(a: ArrayBufferView, b: ArrayBufferView): boolean };

/** Constant-time equality of two byte strings (a length difference is not hidden). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
	return a.byteLength === b.byteLength && (crypto.subtle as WorkerdSubtle).timingSafeEqual(a, b);
}

/** Constant-time equality of two secrets of any length: their digests are compared. */
export async function sameSecret(a: string, b: string): Promise<boolean> {
	const [x, y] = await Promise.all([sha256(a), sha256(b)]);
	return sameBytes(x, y);
}
