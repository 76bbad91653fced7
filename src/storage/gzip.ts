/// <reference path="./node-zlib.d.ts" />
/**
 * One gzip file written over several runs: each chunk is deflated on its own and ends with a sync
 * flush (byte-aligned, not final), so the chunks of every run concatenate into a single deflate
 * stream, closed by an empty final block; the CRC-32 and length the trailer needs are carried
 * from run to run. Any gzip reader (DecompressionStream included, which refuses a file of several
 * gzip members) reads it as one member.
 */
import { constants, crc32, deflateRawSync } from "node:zlib";

/** ID1 ID2, deflate, no flags, no time, no extra flags, unknown OS. */
export const GZIP_HEADER = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);

export interface Checksum {
	crc: number;
	/** Uncompressed bytes so far (the trailer keeps them modulo 2³²). */
	length: number;
}

/** The compressed bytes of a chunk, and the checksum with it. */
export function deflateChunk(chunk: Uint8Array, sum: Checksum): { bytes: Uint8Array; sum: Checksum } {
	return {
		bytes: deflateRawSync(chunk, { finishFlush: constants.Z_SYNC_FLUSH }),
		sum: { crc: crc32(chunk, sum.crc), length: sum.length + chunk.length },
	};
}

/** An empty final block (fixed Huffman, end of block), then CRC-32 and length, little-endian. */
export function gzipEnd(sum: Checksum): Uint8Array {
	const end = new Uint8Array(10);
	end.set([0x03, 0x00]);
	const view = new DataView(end.buffer);
	view.setUint32(2, sum.crc >>> 0, true);
	view.setUint32(6, sum.length % 2 ** 32, true);
	return end;
}
