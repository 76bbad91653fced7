/**
 * Retention: records older than their kind's period are deleted by the Cron Trigger's sweep, a
 * bounded batch at a time (never one statement over D1's limits), oldest first. A period of 0
 * keeps that kind forever. Payloads (kept by default) go their own way: whole R2 packs, and their
 * rows marked (storage/payload-retention.ts).
 */
import { sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { DAY_MS } from "../alerts/business-clock";
import type { Env } from "../env";
import { settingsOf } from "../settings";
import type { Sweep } from "../sweeps";
import { alerts } from "./alert-schema";
import { deliveryAttempts } from "./delivery-schema";
import { expirePayloads } from "./payload-retention";
import { changesOf } from "./rows";
import { receipts } from "./schema";

const BATCH = 1000;
const BATCHES_PER_RUN = 10;

/** A kind of record deleted by rows of one table, or by its own `purge` (payloads). */
export type Kept = KeptRows | KeptOtherwise;

interface KeptOtherwise {
	name: string;
	days: (settings: ReturnType<typeof settingsOf>) => number;
	/** One run's bounded work for what is older than `cutoff`: how much went. */
	purge: (env: Env, cutoff: Date) => Promise<number>;
}

export interface KeptRows {
	name: string;
	table: SQLiteTable;
	/** An indexed time column: rows older than the period go. */
	time: SQLiteColumn;
	/** The primary key of a table WITHOUT ROWID (receipts); others are deleted by rowid. */
	key?: SQLiteColumn[];
	/** Only rows that may go at all, given the cutoff (alerts resolved before it). */
	only?: (cutoff: string) => ReturnType<typeof sql>;
	days: (settings: ReturnType<typeof settingsOf>) => number;
}

export const RETAINED: Kept[] = [
	{
		name: "receipts",
		table: receipts,
		time: receipts.received_at,
		key: [receipts.received_at, receipts.id],
		days: (s) => s.RECEIPTS_RETENTION_DAYS,
	},
	{
		name: "delivery_attempts",
		table: deliveryAttempts,
		time: deliveryAttempts.at,
		days: (s) => s.DELIVERY_ATTEMPTS_RETENTION_DAYS,
	},
	{
		name: "resolved_alerts",
		table: alerts,
		time: alerts.first_seen,
		// Aged by when it was resolved; `first_seen` (indexed, never later) bounds the range read.
		only: (cutoff) => sql`${alerts.status} = 'resolved' AND ${alerts.resolved_at} < ${cutoff}`,
		days: (s) => s.RESOLVED_ALERTS_RETENTION_DAYS,
	},
	{
		name: "payloads",
		days: (s) => s.PAYLOADS_RETENTION_DAYS,
		purge: async (env, cutoff) => {
			const { rows, packs } = await expirePayloads(env, cutoff);
			return rows + packs;
		},
	},
];

/** `DELETE … WHERE rowid IN (SELECT rowid … ORDER BY time LIMIT n)` (the key for receipts): one bounded batch. */
export function purgeStatement(kind: KeptRows, cutoff: string, limit = BATCH) {
	const only = kind.only ? sql` AND ${kind.only(cutoff)}` : sql``;
	const key = kind.key ? sql.join(kind.key, sql`, `) : sql`rowid`;
	return sql`DELETE FROM ${kind.table} WHERE (${key}) IN (SELECT ${key} FROM ${kind.table} WHERE ${kind.time} < ${cutoff}${only} ORDER BY ${kind.time} LIMIT ${limit})`;
}

export const retention: Sweep = {
	name: "retention",
	async run(env, now) {
		const settings = settingsOf(env);
		const purged: Record<string, number> = {};
		for (const kind of RETAINED) {
			const days = kind.days(settings);
			if (days === 0) continue;
			const cutoff = new Date(now.getTime() - days * DAY_MS).toISOString();
			if ("purge" in kind) {
				purged[kind.name] = await kind.purge(env, new Date(cutoff));
				continue;
			}
			purged[kind.name] = 0;
			for (let i = 0; i < BATCHES_PER_RUN; i++) {
				const deleted = await changesOf(env.HISTORY, purgeStatement(kind, cutoff));
				purged[kind.name] += deleted;
				if (deleted < BATCH) break;
			}
		}
		return purged;
	},
};
