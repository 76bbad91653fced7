/**
 * Meters an R2 bucket as Cloudflare bills it (https://developers.cloudflare.com/r2/pricing/):
 * class A for writes and lists (put, multipart create, part, complete, list), class B for reads
 * (get, head); deletes are free. Also the bytes put, for the capacity figures.
 */
import { counters } from "./counters";

/** `call`, counted as one operation of its class. */
function billed<T>(kind: "r2_class_a" | "r2_class_b", call: () => T): T {
	counters[kind]++;
	return call();
}

function meteredUpload(upload: R2MultipartUpload): R2MultipartUpload {
	return {
		key: upload.key,
		uploadId: upload.uploadId,
		uploadPart: (n, value, options) => billed("r2_class_a", () => upload.uploadPart(n, value, options)),
		abort: () => upload.abort(),
		complete: (parts) => billed("r2_class_a", () => upload.complete(parts)),
	};
}

export function meteredR2(bucket: R2Bucket): R2Bucket {
	return {
		head: (key) => billed("r2_class_b", () => bucket.head(key)),
		get: ((key: string, options?: R2GetOptions) =>
			billed("r2_class_b", () => bucket.get(key, options))) as R2Bucket["get"],
		put: ((key: string, value: ArrayBufferView | string | null, options?: R2PutOptions) => {
			counters.r2_bytes_written +=
				typeof value === "string" ? new TextEncoder().encode(value).length : (value?.byteLength ?? 0);
			return billed("r2_class_a", () => bucket.put(key, value, options));
		}) as R2Bucket["put"],
		createMultipartUpload: async (key, options) =>
			meteredUpload(await billed("r2_class_a", () => bucket.createMultipartUpload(key, options))),
		resumeMultipartUpload: (key, uploadId) => meteredUpload(bucket.resumeMultipartUpload(key, uploadId)),
		delete: (keys) => bucket.delete(keys),
		list: ((options?: R2ListOptions) => billed("r2_class_a", () => bucket.list(options))) as R2Bucket["list"],
	};
}
