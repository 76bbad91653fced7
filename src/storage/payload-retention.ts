/**
 * Payload retention (PAYLOADS_RETENTION_DAYS; 0, the default, keeps them for good). Every pack
 * holds one day of received_at (storage/payloads.ts), so whole packs of days before the cutoff's
 * go, listed oldest first (R2 lists keys in order, and the day leads the key), a bounded number per
 * run; and each partition's rows of those days are marked (`payload_expired_at`, an inline payload
 * emptied), walking by rowid (the order rows were written in, which received_at follows but for late
 * events) from where the last run stopped up to the first row not old enough.
 * Rows are marked before their packs go; a row read between the two finds its pack gone, which
 * reads as expired too. The event itself stays in the history.
 */
import { sql } from "drizzle-orm";
import type { Env } from "../env";
import { historyJobs } from "./export-schema";
import { historyOf, type Partition } from "./partitions";
import { PACK_PREFIX } from "./payloads";
import { batchOf } from "./rows";
import { events } from "./schema";

const ROWS_PER_BATCH = 1000;
const BATCHES_PER_RUN = 10;

/** Marks rows and deletes packs older than the cutoff's day; how many of each. */
export async function expirePayloads(env: Env, cutoff: Date, limit = ROWS_PER_BATCH) {
	const day = cutoff.toISOString().slice(0, 10);
	let rows = 0;
	for (const partition of historyOf(env).partitions) rows += await markRows(partition, `${day}T00:00:00.000Z`, limit);
	return { rows, packs: env.PAYLOADS ? await deletePacks(env.PAYLOADS, day, limit) : 0 };
}

const jobName = (partition: Partition) => `payloads.expire:${partition.name}`;

async function markRows(partition: Partition, before: string, limit: number): Promise<number> {
	let marked = 0;
	for (let i = 0; i < BATCHES_PER_RUN; i++) {
		const [[job]] = await batchOf<{ position: string }>(partition.db, [
			sql`SELECT ${historyJobs.position} FROM ${historyJobs} WHERE ${historyJobs.name} = ${jobName(partition)}`,
		]);
		const position = Number(job?.position ?? 0);
		const [window] = await batchOf<{ id: number; received_at: string }>(partition.db, [
			sql`SELECT rowid AS id, ${events.received_at} FROM ${events} WHERE rowid > ${position} ORDER BY rowid LIMIT ${limit}`,
		]);
		if (window.length === 0) break;
		// The walk stops before the first row not old enough; old rows past it in the window are marked now.
		const young = window.findIndex((row) => row.received_at >= before);
		const end = young === -1 ? window[window.length - 1].id : young === 0 ? position : window[young - 1].id;
		const old = window.filter((row) => row.received_at < before);
		if (old.length > 0 || end !== position) {
			await batchOf(partition.db, [
				markStatement(position, window[window.length - 1].id, before, new Date().toISOString()),
				sql`INSERT INTO ${historyJobs} (name, position, updated_at) VALUES (${jobName(partition)}, ${String(end)}, ${new Date().toISOString()})
					ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
			]);
		}
		marked += old.length;
		if (young !== -1 || window.length < limit) break;
	}
	return marked;
}

/** Marks the old rows of a rowid window expired, emptying inline payloads: one bounded statement. */
export function markStatement(after: number, through: number, before: string, at: string) {
	return sql`UPDATE ${events} SET payload = '', payload_expired_at = ${at}
		WHERE rowid > ${after} AND rowid <= ${through} AND ${events.received_at} < ${before}
		AND ${events.payload_expired_at} IS NULL`;
}

/** Deletes packs of days before `day`, oldest first, at most `limit` a batch. */
async function deletePacks(bucket: R2Bucket, day: string, limit: number): Promise<number> {
	const before = `${PACK_PREFIX}${day}/`;
	let deleted = 0;
	for (let i = 0; i < BATCHES_PER_RUN; i++) {
		const listed = await bucket.list({ prefix: PACK_PREFIX, limit });
		const old = listed.objects.map((o) => o.key).filter((key) => key < before);
		if (old.length > 0) await bucket.delete(old);
		deleted += old.length;
		if (old.length < listed.objects.length || !listed.truncated) break;
	}
	return deleted;
}
