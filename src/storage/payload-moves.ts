/**
 * The migration path for payloads still inline in D1 (rows written before payloads went to R2, or
 * by an older version still serving during a gradual deployment): a sweep walks each partition's
 * events by rowid, a bounded window per batch, packs the inline payloads over
 * PAYLOADS_INLINE_MAX_BYTES into one R2 object per day of a batch (as the consumer does) and points their
 * rows at it, in one transaction with the walk's position (history_jobs), so each run resumes
 * where the last stopped; past the end it looks only at rows written since. A sweep rather than a
 * lazy move on read: payloads are seldom read (a lookup by id, a delivery), so moving them when
 * read would leave most of them in D1 for good, and D1's size is what this is for.
 */
import { sql } from "drizzle-orm";
import type { Env } from "../env";
import { settingsOf } from "../settings";
import type { Sweep } from "../sweeps";
import { historyJobs } from "./export-schema";
import { historyOf, type Partition } from "./partitions";
import { writePacks } from "./payloads";
import { batchOf } from "./rows";
import { events } from "./schema";

export interface MoveLimits {
	/** Rows looked at per batch (a rowid window). */
	rows: number;
	batches: number;
	/** Payload bytes per batch, at most (estimated from characters, at 4 bytes each). */
	packBytes: number;
	/** Days of received_at per batch, at most: one pack each. */
	days: number;
}
const LIMITS: MoveLimits = { rows: 500, batches: 4, packBytes: 8_000_000, days: 10 };

export const movePayloads: Sweep = {
	name: "payloads to R2",
	run: (env) => movePayloadsToR2(env),
};

/** Moves a bounded number of inline payloads of every partition to R2; how many moved. */
export async function movePayloadsToR2(env: Env, limits = LIMITS): Promise<Record<string, number>> {
	if (!env.PAYLOADS) return {};
	const moved: Record<string, number> = {};
	for (const partition of historyOf(env).partitions) {
		moved[partition.name] = 0;
		for (let i = 0; i < limits.batches; i++) {
			const batch = await moveBatch(env, partition, limits);
			moved[partition.name] += batch.moved;
			if (!batch.more) break;
		}
	}
	return moved;
}

const jobName = (partition: Partition) => `payloads.move:${partition.name}`;

interface Scanned {
	id: number;
	day: string;
	chars: number;
	inline: number;
}

async function moveBatch(env: Env, partition: Partition, limits: MoveLimits) {
	const { db } = partition;
	const [[job]] = await batchOf<{ position: string }>(db, [
		sql`SELECT ${historyJobs.position} FROM ${historyJobs} WHERE ${historyJobs.name} = ${jobName(partition)}`,
	]);
	const position = Number(job?.position ?? 0);
	const [scanned] = await batchOf<Scanned>(db, [
		sql`SELECT rowid AS id, substr(${events.received_at}, 1, 10) AS day, length(${events.payload}) AS chars,
			(${events.payload_key} IS NULL AND ${events.payload_expired_at} IS NULL) AS inline
			FROM ${events} WHERE rowid > ${position} ORDER BY rowid LIMIT ${limits.rows}`,
	]);
	if (scanned.length === 0) return { moved: 0, more: false };
	const inlineMax = settingsOf(env).PAYLOADS_INLINE_MAX_BYTES;
	const chosen: number[] = [];
	const days = new Set<string>();
	let budget = 0;
	let end = scanned[scanned.length - 1].id;
	let full = scanned.length === limits.rows;
	for (const row of scanned) {
		if (!row.inline || row.chars === 0 || row.chars * 4 <= inlineMax) continue;
		const overDays = !days.has(row.day) && days.size === limits.days;
		if (chosen.length > 0 && (budget + row.chars * 4 > limits.packBytes || overDays)) {
			end = row.id - 1;
			full = true;
			break;
		}
		chosen.push(row.id);
		days.add(row.day);
		budget += row.chars * 4;
	}
	const moved = await moveRows(env, db, chosen, inlineMax);
	await batchOf(db, [
		...moved.statements,
		sql`INSERT INTO ${historyJobs} (name, position, updated_at) VALUES (${jobName(partition)}, ${String(end)}, ${new Date().toISOString()})
			ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
	]);
	return { moved: moved.count, more: full };
}

/** Packs the payloads of these rows that are over the inline limit; the statements that point the rows at it. */
async function moveRows(env: Env, db: D1Database, rowids: number[], inlineMax: number) {
	if (rowids.length === 0) return { count: 0, statements: [] };
	const [rows] = await batchOf<{ event_id: string; received_at: string; payload: string }>(db, [
		sql`SELECT ${events.event_id}, ${events.received_at}, ${events.payload} FROM ${events}
			WHERE rowid IN (SELECT value FROM json_each(${JSON.stringify(rowids)}))`,
	]);
	const encoder = new TextEncoder();
	const packed = rows.filter((r) => encoder.encode(r.payload).length > inlineMax);
	if (packed.length === 0) return { count: 0, statements: [] };
	const refs = [...(await writePacks(env, packed))].map(([id, ref]) => ({ id, ...ref }));
	// Only rows still inline: a row moved or expired meanwhile is left as it is.
	const point = sql`UPDATE ${events} SET payload = '', payload_key = v.value ->> 'key',
		payload_offset = v.value ->> 'offset', payload_length = v.value ->> 'length'
		FROM json_each(${JSON.stringify(refs)}) AS v
		WHERE ${events.event_id} = v.value ->> 'id' AND ${events.payload_key} IS NULL AND ${events.payload_expired_at} IS NULL`;
	return { count: packed.length, statements: [point] };
}
