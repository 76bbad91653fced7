/**
 * The history's events across several D1 databases, by the month they were received in (a
 * prototype behind HISTORY_PARTITIONS, off by default): each partition named there holds the
 * months up to its `through`, HISTORY every later month, so live events, received now, land in
 * HISTORY, in one transaction with their deliveries, as without partitions. Entities, links,
 * deliveries, receipts and the rest stay in HISTORY. Lookups by id ask every partition; lists
 * walk the partitions in month order, so their (received_at, event_id) cursors span them.
 */
import type { Env } from "../env";
import { settingsOf } from "../settings";

export interface Partition {
	name: string;
	db: D1Database;
	/** The first instant it may hold (ISO), or null: no lower bound. */
	from: string | null;
	/** The first instant after its months (ISO), or null: no upper bound (HISTORY). */
	until: string | null;
}

export interface History {
	/** HISTORY: everything but the events of older months' partitions. */
	primary: D1Database;
	/** Oldest months first; HISTORY is the last one. */
	partitions: Partition[];
}

const histories = new WeakMap<object, History>();

export function historyOf(env: Env): History {
	let history = histories.get(env);
	if (!history) {
		history = { primary: env.HISTORY, partitions: partitionsOf(env) };
		histories.set(env, history);
	}
	return history;
}

function partitionsOf(env: Env): Partition[] {
	const bindings = env as unknown as Record<string, D1Database | undefined>;
	const partitions: Partition[] = [];
	let from: string | null = null;
	for (const { binding, through } of settingsOf(env).HISTORY_PARTITIONS) {
		const db = bindings[binding];
		if (!db) throw new Error(`HISTORY_PARTITIONS names ${binding}, which is not a D1 binding of this worker`);
		const until = monthAfter(through);
		partitions.push({ name: binding, db, from, until });
		from = until;
	}
	partitions.push({ name: "HISTORY", db: env.HISTORY, from, until: null });
	return partitions;
}

/** `YYYY-MM` → the first instant of the next month. */
function monthAfter(month: string): string {
	const [year, m] = month.split("-").map(Number);
	return new Date(Date.UTC(year, m, 1)).toISOString();
}

/** The partition that holds events received at this instant. */
export function partitionOf(history: History, receivedAt: string): Partition {
	return history.partitions.find((p) => p.until === null || receivedAt < p.until) as Partition;
}

/** The partitions that may hold events received in [since, until), oldest first. */
export function partitionsBetween(history: History, since?: string, until?: string): Partition[] {
	return history.partitions.filter(
		(p) =>
			(since === undefined || p.until === null || since < p.until) &&
			(until === undefined || p.from === null || p.from < until),
	);
}

/** Rows split by the partition of their received_at: HISTORY's, and the other partitions' (non-empty). */
export function byPartition<T extends { received_at: string }>(history: History, rows: T[]) {
	const groups = new Map<D1Database, T[]>(history.partitions.map((p) => [p.db, []]));
	for (const row of rows) groups.get(partitionOf(history, row.received_at).db)?.push(row);
	const primary = groups.get(history.primary) ?? [];
	groups.delete(history.primary);
	return { primary, elsewhere: [...groups].filter(([, group]) => group.length > 0) };
}
