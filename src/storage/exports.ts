/**
 * Daily exports for a data warehouse: every kind of EXPORT_KINDS, one UTC day each, as NDJSON in
 * one gzip file at `exports/<kind>/<YYYY-MM-DD>.ndjson.gz` in R2, made by the Cron Trigger for the
 * days before today once the day has settled (EXPORT_SETTLE_MS after midnight, the history trailing
 * the ledgers by moments). A day may hold more rows than a Worker's memory: each run reads a bounded
 * number of pages, compresses them (storage/gzip.ts) and uploads R2 multipart parts, which must all
 * be PART_BYTES but the last; the compressed bytes that do not fill a part wait in a carry object.
 * The state (upload, parts, keyset position, checksum, carry) is a D1 row, updated after the R2
 * writes of each run, so a run that dies is redone from the last state: a part uploaded again
 * replaces itself.
 */
import { and, eq, inArray, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Env } from "../env";
import { settingsOf } from "../settings";
import type { Sweep } from "../sweeps";
import { exportPage, type Position } from "./export-kinds";
import { dailyExports, type ExportKind } from "./export-schema";
import { type Checksum, deflateChunk, GZIP_HEADER, gzipEnd } from "./gzip";

/** R2's smallest multipart part (all parts but the last have one size). */
export const PART_BYTES = 5 * 1024 * 1024;
const ROWS_PER_PAGE = 1000;
/** Pages per Cron run, across kinds and days: bounds the run's CPU and memory. */
const PAGES_PER_RUN = 20;
/** Days before yesterday still exported if a run missed them. */
const CATCH_UP_DAYS = 3;
const EXPORT_SETTLE_MS = 60 * 60_000;

export type ExportState = typeof dailyExports.$inferSelect;

export const exportKey = (kind: string, day: string) => `exports/${kind}/${day}.ndjson.gz`;
const carryPrefix = (kind: string, day: string) => `exports/.carry/${kind}/${day}/`;

export const dailyExport: Sweep = {
	name: "daily exports",
	async run(env, now) {
		if (!env.PAYLOADS) return undefined;
		const settled = new Date(now.getTime() - EXPORT_SETTLE_MS);
		const days = Array.from({ length: CATCH_UP_DAYS + 1 }, (_, i) => dayBefore(settled, CATCH_UP_DAYS + 1 - i));
		const finished = await drizzle(env.HISTORY)
			.select({ day: dailyExports.day, kind: dailyExports.kind })
			.from(dailyExports)
			.where(and(inArray(dailyExports.day, days), eq(dailyExports.status, "done")));
		const isDone = new Set(finished.map((e) => `${e.kind}:${e.day}`));
		let pages = PAGES_PER_RUN;
		const done: Record<string, number> = {};
		for (const day of days) {
			for (const kind of settingsOf(env).EXPORT_KINDS) {
				if (isDone.has(`${kind}:${day}`)) continue;
				if (pages === 0) return done;
				const run = await exportDay(env, kind, day, pages);
				pages -= run.pages;
				if (run.pages > 0) done[`${kind}:${day}`] = run.rows;
			}
		}
		return done;
	},
};

/** The UTC day `n` days before `at`'s (1: the day before). */
function dayBefore(at: Date, n: number): string {
	return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() - n)).toISOString().slice(0, 10);
}

/** Exports up to `pages` pages more of one kind's day: the pages read and rows written. */
export async function exportDay(env: Env, kind: ExportKind, day: string, pages: number) {
	const bucket = env.PAYLOADS as R2Bucket;
	const d1 = drizzle(env.HISTORY);
	const state = await stateOf(env.HISTORY, kind, day);
	if (state.status === "done") return { pages: 0, rows: 0 };
	const key = exportKey(kind, day);
	const upload = state.upload_id
		? bucket.resumeMultipartUpload(key, state.upload_id)
		: await bucket.createMultipartUpload(key, { httpMetadata: { contentType: "application/gzip" } });
	if (!state.upload_id) await d1.update(dailyExports).set({ upload_id: upload.uploadId }).where(keyOf(kind, day));

	const parts: [number, string][] = JSON.parse(state.parts);
	const carried = state.carry_key ? await bucket.get(state.carry_key) : null;
	let buffer: Uint8Array[] = carried
		? [new Uint8Array(await carried.arrayBuffer())]
		: state.rows === 0
			? [GZIP_HEADER]
			: [];
	let sum: Checksum = { crc: state.crc, length: state.raw_bytes };
	let position = state.position === null ? null : (JSON.parse(state.position) as Position);
	let rows = 0;
	let read = 0;
	let finished = false;
	const uploadFull = async () => {
		let bytes = concat(buffer);
		while (bytes.length >= PART_BYTES) {
			const part = await upload.uploadPart(parts.length + 1, bytes.slice(0, PART_BYTES));
			parts.push([part.partNumber, part.etag]);
			bytes = bytes.slice(PART_BYTES);
		}
		buffer = [bytes];
	};
	while (read < pages && !finished) {
		const page = await exportPage(env, kind, day, position, ROWS_PER_PAGE);
		read++;
		finished = page.count < ROWS_PER_PAGE;
		if (page.count > 0) {
			const deflated = deflateChunk(new TextEncoder().encode(`${page.lines.join("\n")}\n`), sum);
			buffer.push(deflated.bytes);
			sum = deflated.sum;
			position = page.position;
			rows += page.count;
		}
		await uploadFull();
	}
	const progress = {
		parts: JSON.stringify(parts),
		position: JSON.stringify(position),
		crc: sum.crc,
		raw_bytes: sum.length,
	};
	const now = new Date().toISOString();
	if (finished) {
		buffer.push(gzipEnd(sum));
		const last = concat(buffer);
		for (let at = 0; at < last.length; at += PART_BYTES) {
			const part = await upload.uploadPart(parts.length + 1, last.slice(at, at + PART_BYTES));
			parts.push([part.partNumber, part.etag]);
		}
		const object = await upload.complete(parts.map(([partNumber, etag]) => ({ partNumber, etag })));
		await d1
			.update(dailyExports)
			.set({
				...progress,
				parts: JSON.stringify(parts),
				status: "done",
				rows: state.rows + rows,
				bytes: object.size,
				carry_key: null,
				updated_at: now,
				finished_at: now,
			})
			.where(keyOf(kind, day));
		await deleteCarries(bucket, kind, day);
	} else {
		const carryKey = `${carryPrefix(kind, day)}${parts.length}-${state.rows + rows}`;
		await bucket.put(carryKey, concat(buffer));
		await d1
			.update(dailyExports)
			.set({ ...progress, rows: state.rows + rows, carry_key: carryKey, updated_at: now })
			.where(keyOf(kind, day));
		if (state.carry_key && state.carry_key !== carryKey) await bucket.delete(state.carry_key);
	}
	return { pages: read, rows };
}

export function keyOf(kind: ExportKind, day: string): SQL | undefined {
	return and(eq(dailyExports.kind, kind), eq(dailyExports.day, day));
}

async function stateOf(db: D1Database, kind: ExportKind, day: string): Promise<ExportState> {
	const now = new Date().toISOString();
	const d1 = drizzle(db);
	await d1
		.insert(dailyExports)
		.values({ kind, day, status: "running", started_at: now, updated_at: now })
		.onConflictDoNothing();
	const [state] = await d1.select().from(dailyExports).where(keyOf(kind, day));
	return state;
}

async function deleteCarries(bucket: R2Bucket, kind: ExportKind, day: string) {
	const { objects } = await bucket.list({ prefix: carryPrefix(kind, day) });
	if (objects.length > 0) await bucket.delete(objects.map((o) => o.key));
}

function concat(chunks: Uint8Array[]): Uint8Array {
	if (chunks.length === 1) return chunks[0];
	const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
	let at = 0;
	for (const chunk of chunks) {
		out.set(chunk, at);
		at += chunk.length;
	}
	return out;
}
