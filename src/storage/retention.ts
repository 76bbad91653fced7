/**
 * Retention: records older than their kind's period are deleted by the Cron Trigger's sweep, a
 * bounded batch at a time (never one statement over D1's limits), oldest first. A period of 0
 * keeps that kind forever. Payloads are kept (issue 16 moves them to R2).
 */
import { sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { settingsOf } from "../settings";
import type { Sweep } from "../sweeps";
import { alerts } from "./alert-schema";
import { deliveryAttempts } from "./delivery-schema";
import { changesOf } from "./rows";
import { receipts } from "./schema";

const BATCH = 1000;
const BATCHES_PER_RUN = 10;

export interface Kept {
	name: string;
	table: SQLiteTable;
	/** An indexed time column: rows older than the period go. */
	time: SQLiteColumn;
	/** Only rows that may go at all (resolved alerts). */
	only?: ReturnType<typeof sql>;
	days: (settings: ReturnType<typeof settingsOf>) => number;
}

export const RETAINED: Kept[] = [
	{ name: "receipts", table: receipts, time: receipts.received_at, days: (s) => s.RECEIPTS_RETENTION_DAYS },
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
		only: sql`${alerts.status} = 'resolved'`,
		days: (s) => s.RESOLVED_ALERTS_RETENTION_DAYS,
	},
];

/** `DELETE … WHERE rowid IN (SELECT rowid … ORDER BY time LIMIT n)`: one bounded batch. */
export function purgeStatement(kind: Kept, cutoff: string, limit = BATCH) {
	const only = kind.only ? sql` AND ${kind.only}` : sql``;
	return sql`DELETE FROM ${kind.table} WHERE rowid IN (SELECT rowid FROM ${kind.table} WHERE ${kind.time} < ${cutoff}${only} ORDER BY ${kind.time} LIMIT ${limit})`;
}

export const retention: Sweep = {
	name: "retention",
	async run(env, now) {
		const settings = settingsOf(env);
		const purged: Record<string, number> = {};
		for (const kind of RETAINED) {
			const days = kind.days(settings);
			if (days === 0) continue;
			const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
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
