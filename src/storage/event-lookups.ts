/**
 * Event lists for partner lookups, always in (received_at, event_id) order: every filter
 * has an index ending in those two columns, so each page is one index range, or for a kind
 * with nothing narrower one range per type of the kind, merged (`eventRanges`). Across
 * partitions (storage/partitions.ts) a page continues in the next month's partition where one runs out.
 */
import { and, asc, desc, eq, getTableColumns, gte, lt, type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { isEntityKind, typesOfKind } from "../catalog/catalog";
import type { EventAnomaly, RecordedResult } from "../model";
import type { EventRow, PayloadColumnName } from "./event-rows";
import { type History, partitionsBetween } from "./partitions";
import { batchOf, mergedRanges } from "./rows";
import { events, NOT_ACCEPTED, UNCLASSIFIED_EVENTS } from "./schema";

export interface EventFilters {
	type?: string;
	kind?: string;
	key?: string;
	status?: string;
	result?: RecordedResult;
	/** The console's search (index events_by_anomaly). */
	anomaly?: EventAnomaly;
	/** received_at >= since */
	since?: string;
	/** received_at < until */
	until?: string;
}

export type EventPosition = [receivedAt: string, eventId: string];
/** Partners page oldest first; the console newest first, the same index walked backwards. */
export type Direction = "asc" | "desc";

const {
	payload: _payload,
	payload_key: _key,
	payload_offset: _offset,
	payload_length: _length,
	payload_expired_at: _expired,
	...listed
} = getTableColumns(events);

/** An event as lists show it: every column but the payload's. */
type Listed = Omit<EventRow, PayloadColumnName>;

export function eventListQuery(
	db: D1Database,
	filters: EventFilters,
	after: EventPosition | null,
	limit: number,
	direction: Direction = "asc",
) {
	const where = eventConditions(filters);
	const beyond = direction === "asc" ? sql`>` : sql`<`;
	if (after) where.push(sql`(${events.received_at}, ${events.event_id}) ${beyond} (${after[0]}, ${after[1]})`);
	const order = direction === "asc" ? asc : desc;
	return drizzle(db)
		.select(listed)
		.from(events)
		.where(and(...where))
		.orderBy(order(events.received_at), order(events.event_id))
		.limit(limit);
}

export async function listEvents(
	history: History,
	filters: EventFilters,
	after: EventPosition | null,
	limit: number,
	direction: Direction = "asc",
): Promise<Listed[]> {
	const rows: Listed[] = [];
	for (const partition of partitionsInOrder(history, filters, after, direction)) {
		const wanted = limit - rows.length;
		const ranges = eventRanges(filters).map((range) => eventListQuery(partition.db, range, after, wanted, direction));
		// Several ranges go to D1 in one batch: one round trip, not one per type.
		const found =
			ranges.length === 1
				? await ranges[0]
				: mergedRanges(await batchOf<Listed>(partition.db, ranges), ["received_at", "event_id"], direction).slice(
						0,
						wanted,
					);
		rows.push(...found);
		if (rows.length >= limit) break;
	}
	return rows;
}

/**
 * The filters of each index range a list walks. A kind has no index of its own (each index
 * entry is a billed row written per event, and a kind is its types): with nothing narrower
 * to go by, its list is the ranges of events_by_type of each of its types, merged.
 */
export function eventRanges(f: EventFilters): EventFilters[] {
	if (f.kind === undefined || !isEntityKind(f.kind) || narrowerThanKind(f)) return [f];
	return typesOfKind(f.kind).map((type) => ({ ...f, type }));
}

/** Whether a filter besides the kind has an index range of its own. */
function narrowerThanKind(f: EventFilters): boolean {
	const narrower = f.type ?? f.key ?? f.status ?? f.anomaly ?? (f.result === "accepted" ? undefined : f.result);
	return narrower !== undefined;
}

/** The partitions a page may still find rows in, in the page's direction. */
function partitionsInOrder(history: History, filters: EventFilters, after: EventPosition | null, direction: Direction) {
	if (direction === "asc") {
		const since = after && (filters.since === undefined || after[0] > filters.since) ? after[0] : filters.since;
		return partitionsBetween(history, since, filters.until);
	}
	const before = after?.[0];
	return partitionsBetween(history, filters.since, filters.until)
		.filter((p) => before === undefined || p.from === null || p.from <= before)
		.reverse();
}

export function eventByIdQuery(db: D1Database, eventId: string) {
	return drizzle(db).select().from(events).where(eq(events.event_id, eventId)).limit(1);
}

/** One event with its payload columns, from whichever partition holds it. */
export async function eventById(history: History, eventId: string): Promise<EventRow | null> {
	const found = await Promise.all(history.partitions.map(async ({ db }) => (await eventByIdQuery(db, eventId))[0]));
	return found.find((row) => row !== undefined) ?? null;
}

/** How many events of the entity before `sequence` the partitions other than HISTORY hold (ordering). */
export async function predecessorsElsewhere(history: History, kind: string, key: string, sequence: number) {
	const counts = await Promise.all(
		history.partitions
			.filter((p) => p.db !== history.primary)
			.map(async ({ db }) => {
				const [row] = await drizzle(db)
					.select({ n: sql<number>`count(*)` })
					.from(events)
					.where(and(eq(events.entity_kind, kind), eq(events.entity_key, key), lt(events.sequence, sequence)));
				return row?.n ?? 0;
			}),
	);
	return counts.reduce((sum, n) => sum + n, 0);
}

function eventConditions(f: EventFilters): SQL[] {
	const where: SQL[] = [];
	if (f.type !== undefined) where.push(eq(events.type, f.type));
	if (f.kind !== undefined) {
		// Written out, not bound, so that SQLite may walk the partial index of unclassified events.
		const unclassified = !isEntityKind(f.kind) && !narrowerThanKind(f);
		where.push(unclassified ? UNCLASSIFIED_EVENTS : eq(events.entity_kind, f.kind));
	}
	if (f.key !== undefined) where.push(eq(events.entity_key, f.key));
	if (f.status !== undefined) where.push(eq(events.status, f.status));
	if (f.result !== undefined) where.push(eq(events.result, f.result));
	if (f.result !== undefined && f.result !== "accepted") where.push(NOT_ACCEPTED.events);
	if (f.anomaly !== undefined) where.push(eq(events.anomaly, f.anomaly));
	if (f.since !== undefined) where.push(gte(events.received_at, f.since));
	if (f.until !== undefined) where.push(lt(events.received_at, f.until));
	return where;
}
