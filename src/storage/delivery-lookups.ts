/**
 * Deliveries for the console, newest first, each filter walking one index backwards: by
 * outcome (deliveries_by_outcome: most recently changed first), by destination and outcome
 * (deliveries_by_destination: newest first), by destination alone (grouped by outcome), or all
 * (the table in rowid order, newest first). Their attempts and the deliveries of a page of
 * events come by primary key, each list as one JSON parameter.
 */
import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { DeliveryKey } from "./deliveries";
import { type DeliveryOutcome, deliveries, deliveryAttempts, destinations } from "./delivery-schema";

export interface DeliveryFilters {
	outcome?: DeliveryOutcome;
	destination?: string;
}

export type DeliveryPosition = (string | number)[];

const rowid = sql<number>`${deliveries}.rowid`;
const deliveryColumns = {
	event_id: deliveries.event_id,
	destination_id: deliveries.destination_id,
	attempts: deliveries.attempts,
	last_status_code: deliveries.last_status_code,
	last_error: deliveries.last_error,
	next_attempt_at: deliveries.next_attempt_at,
	outcome: deliveries.outcome,
	created_at: deliveries.created_at,
	updated_at: deliveries.updated_at,
	delivered_at: deliveries.delivered_at,
};

/** The sort key of each filter's order, most significant first. */
function orderOf(f: DeliveryFilters): SQL[] {
	if (f.destination !== undefined && f.outcome !== undefined) return [sql`${deliveries.created_at}`, rowid];
	if (f.destination !== undefined) return [sql`${deliveries.outcome}`, sql`${deliveries.created_at}`, rowid];
	if (f.outcome !== undefined) return [sql`${deliveries.updated_at}`, rowid];
	return [rowid];
}

export function deliveryListQuery(db: D1Database, f: DeliveryFilters, after: DeliveryPosition | null, limit: number) {
	const where: SQL[] = [];
	if (f.outcome !== undefined) where.push(eq(deliveries.outcome, f.outcome));
	if (f.destination !== undefined) where.push(eq(deliveries.destination_id, f.destination));
	const order = orderOf(f);
	if (after)
		where.push(
			sql`(${sql.join(order, sql`, `)}) < (${sql.join(
				after.map((v) => sql`${v}`),
				sql`, `,
			)})`,
		);
	return drizzle(db)
		.select({ ...deliveryColumns, rowid })
		.from(deliveries)
		.where(and(...where))
		.orderBy(...order.map((key) => desc(key)))
		.limit(limit);
}

export type ListedDelivery = Awaited<ReturnType<typeof deliveryListQuery>>[number];

/** The position of a listed delivery in its filter's order. */
export function deliveryPositionOf(f: DeliveryFilters, d: ListedDelivery): DeliveryPosition {
	if (f.destination !== undefined && f.outcome !== undefined) return [d.created_at, d.rowid];
	if (f.destination !== undefined) return [d.outcome, d.created_at, d.rowid];
	if (f.outcome !== undefined) return [d.updated_at, d.rowid];
	return [d.rowid];
}

export function deliveryPositionArity(f: DeliveryFilters): number {
	return orderOf(f).length;
}

/** Every attempt of these deliveries (primary key lookups). */
export function attemptsOfDeliveriesQuery(db: D1Database, keys: DeliveryKey[]) {
	const list = JSON.stringify(keys.map((k) => [k.event_id, k.destination_id]));
	return drizzle(db)
		.select()
		.from(deliveryAttempts)
		.where(
			sql`(${deliveryAttempts.event_id}, ${deliveryAttempts.destination_id}) IN (SELECT value ->> 0, value ->> 1 FROM json_each(${list}))`,
		);
}

/** The deliveries of these events, each to every destination (primary key lookups). */
export function deliveriesOfEventsQuery(db: D1Database, eventIds: string[]) {
	return drizzle(db)
		.select()
		.from(deliveries)
		.where(sql`${deliveries.event_id} IN (SELECT value FROM json_each(${JSON.stringify(eventIds)}))`);
}

/** The attempts of every delivery of these events. */
export function attemptsOfEventsQuery(db: D1Database, eventIds: string[]) {
	return drizzle(db)
		.select()
		.from(deliveryAttempts)
		.where(sql`${deliveryAttempts.event_id} IN (SELECT value FROM json_each(${JSON.stringify(eventIds)}))`);
}

/** Each destination's id and URL, to name them on a page. */
export function destinationUrlsQuery(db: D1Database) {
	return drizzle(db).select({ id: destinations.id, url: destinations.url }).from(destinations);
}
