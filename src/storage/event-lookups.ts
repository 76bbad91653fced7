/**
 * Event lists for partner lookups, always in (received_at, event_id) order: every filter
 * has an index ending in those two columns, so each page is one index range.
 */
import { and, asc, desc, eq, getTableColumns, gte, lt, type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { EventAnomaly, RecordedResult } from "../model";
import type { EventRow } from "./event-rows";
import { events } from "./schema";

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

const { payload: _payload, ...listed } = getTableColumns(events);

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

export function listEvents(
	db: D1Database,
	filters: EventFilters,
	after: EventPosition | null,
	limit: number,
	direction: Direction = "asc",
): Promise<Omit<EventRow, "payload">[]> {
	return eventListQuery(db, filters, after, limit, direction);
}

export function eventByIdQuery(db: D1Database, eventId: string) {
	return drizzle(db).select().from(events).where(eq(events.event_id, eventId)).limit(1);
}

export async function eventById(db: D1Database, eventId: string) {
	const [row] = await eventByIdQuery(db, eventId);
	return row ?? null;
}

function eventConditions(f: EventFilters): SQL[] {
	const where: SQL[] = [];
	if (f.type !== undefined) where.push(eq(events.type, f.type));
	if (f.kind !== undefined) where.push(eq(events.entity_kind, f.kind));
	if (f.key !== undefined) where.push(eq(events.entity_key, f.key));
	if (f.status !== undefined) where.push(eq(events.status, f.status));
	if (f.result !== undefined) where.push(eq(events.result, f.result));
	if (f.anomaly !== undefined) where.push(eq(events.anomaly, f.anomaly));
	if (f.since !== undefined) where.push(gte(events.received_at, f.since));
	if (f.until !== undefined) where.push(lt(events.received_at, f.until));
	return where;
}
