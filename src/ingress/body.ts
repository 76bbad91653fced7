/** Reads a request body once, refusing anything over the limit before reading it all. */
import { ApiError } from "../errors";

export const MAX_BODY_BYTES = 256 * 1024;

export function refuseDeclaredOversize(request: Request): void {
	const declared = declaredLength(request);
	if (declared !== null && declared > MAX_BODY_BYTES) throw tooLarge();
}

export async function readBody(request: Request): Promise<Uint8Array> {
	if (!request.body) return new Uint8Array();
	// A declared length within the limit bounds the body (HTTP framing ends it there): read it
	// whole. Only a body of unknown length is counted chunk by chunk.
	const declared = declaredLength(request);
	if (declared !== null && declared <= MAX_BODY_BYTES) return new Uint8Array(await request.arrayBuffer());
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > MAX_BODY_BYTES) {
			await reader.cancel();
			throw tooLarge();
		}
		chunks.push(value);
	}
	const body = new Uint8Array(size);
	let offset = 0;
	for (const chunk of chunks) {
		body.set(chunk, offset);
		offset += chunk.byteLength;
	}
	return body;
}

/** The length the request declares (Content-Length), or null when it declares none. */
function declaredLength(request: Request): number | null {
	const header = request.headers.get("content-length");
	const length = Number(header);
	return header !== null && Number.isInteger(length) ? length : null;
}

function tooLarge(): ApiError {
	return new ApiError("payload_too_large", `the body exceeds ${MAX_BODY_BYTES} bytes`);
}
