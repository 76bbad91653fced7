/**
 * The part of Node's zlib the exports use (workerd provides node:zlib from compatibility date
 * 2026-08-04 on). Declared here because the worker is typed without @types/node.
 */
declare module "node:zlib" {
	export function crc32(data: Uint8Array, value?: number): number;
	export function deflateRawSync(data: Uint8Array, options?: { finishFlush?: number; level?: number }): Uint8Array;
	export const constants: { Z_SYNC_FLUSH: number };
}
