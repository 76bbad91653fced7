/** Delivery rows in D1: one per (event, destination), with attempts and the final outcome. */
import { and, eq, inArray, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { opsEvents } from "./alert-schema";
import { type DeliveryOutcome, deliveries, deliveryAttempts, destinations } from "./delivery-schema";
import { eventById } from "./event-lookups";
import type { EventRow } from "./event-rows";
import type { History } from "./partitions";
import { batchOf, inOneBatch, insertRows } from "./rows";

export type Delivery = typeof deliveries.$inferSelect;

export interface DeliveryKey {
	event_id: string;
	destination_id: string;
}

/** A delivery owed: its row is created once, pending (or paused for a disabled destination). */
export interface Owed extends DeliveryKey {
	outcome: "pending" | "paused";
	sequence: number;
	/** `kind:key` for a destination ordered by entity, else null. */
	entity: string | null;
}

/** The statements that record these deliveries as owed; a row that exists already is left as it is. */
export function owedStatements(owed: Owed[], at: string): SQL[] {
	const rows = owed.map((o) => ({ ...o, attempts: 0, created_at: at, updated_at: at }));
	return insertRows(deliveries, rows, sql`ON CONFLICT DO NOTHING`);
}

export async function recordOwedDeliveries(db: D1Database, owed: Owed[]) {
	await inOneBatch(db, owedStatements(owed, new Date().toISOString()));
}

/** What a delivery sends: a recorded event, or an operational event (an alert's, `ops:…`). */
export type Work =
	| { delivery: Delivery; event: EventRow; ops: null }
	| { delivery: Delivery; event: null; ops: typeof opsEvents.$inferSelect };

export async function deliveryWork(history: History, key: DeliveryKey): Promise<Work | null> {
	const d1 = drizzle(history.primary);
	const [delivery] = await d1
		.select()
		.from(deliveries)
		.where(and(eq(deliveries.event_id, key.event_id), eq(deliveries.destination_id, key.destination_id)));
	if (!delivery) return null;
	if (key.event_id.startsWith("ops:")) {
		const [ops] = await d1.select().from(opsEvents).where(eq(opsEvents.id, key.event_id));
		return ops ? { delivery, event: null, ops } : null;
	}
	const event = await eventById(history, key.event_id);
	return event ? { delivery, event, ops: null } : null;
}

export interface AttemptRecord extends DeliveryKey {
	outcome: DeliveryOutcome;
	status: number | null;
	error: string | null;
	next_attempt_at: string | null;
	at: string;
	/** Set when this failure disables the destination. */
	disable_reason: string | null;
	/** How long the attempt took, request to answer (or to the error). */
	duration_ms: number;
}

/**
 * The attempt on the delivery row and the destination's health, in one transaction, with `then`
 * (statements that follow from it, e.g. releasing the next event of an ordered entity); returns
 * the rows those return.
 */
export async function recordAttempt<T = DeliveryKey>(db: D1Database, r: AttemptRecord, then: SQL[] = []): Promise<T[]> {
	const d1 = drizzle(db);
	const delivered = r.outcome === "delivered";
	const health = delivered
		? { last_success_at: r.at, consecutive_failures: 0, failing_since: null }
		: {
				last_failure_at: r.at,
				last_failure: r.error,
				consecutive_failures: sql`${destinations.consecutive_failures} + 1`,
				failing_since: sql`coalesce(${destinations.failing_since}, ${r.at})`,
				...(r.disable_reason ? { enabled: false, disabled_reason: r.disable_reason } : {}),
			};
	const results = await batchOf<T>(db, [
		d1
			.update(deliveries)
			.set({
				attempts: sql`${deliveries.attempts} + 1`,
				outcome: r.outcome,
				last_status_code: r.status,
				last_error: r.error,
				next_attempt_at: r.next_attempt_at,
				updated_at: r.at,
				delivered_at: delivered ? r.at : null,
				sending_until: null,
			})
			.where(and(eq(deliveries.event_id, r.event_id), eq(deliveries.destination_id, r.destination_id))),
		d1.update(destinations).set(health).where(eq(destinations.id, r.destination_id)),
		// Numbered by the delivery's count, which the update above has just raised.
		d1
			.insert(deliveryAttempts)
			.select(
				d1
					.select({
						event_id: deliveries.event_id,
						destination_id: deliveries.destination_id,
						attempt: deliveries.attempts,
						at: sql`${r.at}`.as("at"),
						outcome: sql`${r.outcome}`.as("outcome"),
						status: sql`${r.status}`.as("status"),
						error: sql`${r.error}`.as("error"),
						duration_ms: sql`${r.duration_ms}`.as("duration_ms"),
					})
					.from(deliveries)
					.where(and(eq(deliveries.event_id, r.event_id), eq(deliveries.destination_id, r.destination_id))),
			)
			.onConflictDoNothing(),
		...then,
	]);
	return results.slice(3).flat();
}

export type Attempt = typeof deliveryAttempts.$inferSelect;

/** Every attempt of every delivery of one event, by destination, first first. */
export function attemptsOfEvent(db: D1Database, eventId: string) {
	return drizzle(db)
		.select()
		.from(deliveryAttempts)
		.where(eq(deliveryAttempts.event_id, eventId))
		.orderBy(deliveryAttempts.destination_id, deliveryAttempts.attempt);
}

/** The attempts of one delivery, first first. */
export function attemptsOf(db: D1Database, key: DeliveryKey) {
	return drizzle(db)
		.select()
		.from(deliveryAttempts)
		.where(and(eq(deliveryAttempts.event_id, key.event_id), eq(deliveryAttempts.destination_id, key.destination_id)))
		.orderBy(deliveryAttempts.attempt);
}

/** Sets the delivery's outcome, with `then` in the same transaction (see recordAttempt). */
export async function setOutcome<T = DeliveryKey>(
	db: D1Database,
	key: DeliveryKey,
	outcome: DeliveryOutcome,
	error?: string,
	then: SQL[] = [],
): Promise<T[]> {
	const update = drizzle(db)
		.update(deliveries)
		.set({
			outcome,
			updated_at: new Date().toISOString(),
			next_attempt_at: null,
			sending_until: null,
			...(error ? { last_error: error } : {}),
		})
		.where(and(eq(deliveries.event_id, key.event_id), eq(deliveries.destination_id, key.destination_id)));
	return (await batchOf<T>(db, [update, ...then])).slice(1).flat();
}

export async function deliveriesOfEvent(db: D1Database, eventId: string): Promise<Delivery[]> {
	return drizzle(db).select().from(deliveries).where(eq(deliveries.event_id, eventId)).orderBy(deliveries.created_at);
}

/** Marks the destination's deliveries in these outcomes pending again and returns them. */
export async function reopenDeliveries(
	db: D1Database,
	destinationId: string,
	from: DeliveryOutcome[],
): Promise<DeliveryKey[]> {
	return drizzle(db)
		.update(deliveries)
		.set({ outcome: "pending", updated_at: new Date().toISOString() })
		.where(and(eq(deliveries.destination_id, destinationId), inArray(deliveries.outcome, from)))
		.returning({ event_id: deliveries.event_id, destination_id: deliveries.destination_id });
}

/** Marks the event's deliveries to these destinations pending again, whatever their outcome. */
export async function reopenEventDeliveries(
	db: D1Database,
	eventId: string,
	destinationIds: string[],
): Promise<DeliveryKey[]> {
	if (destinationIds.length === 0) return [];
	return drizzle(db)
		.update(deliveries)
		.set({ outcome: "pending", updated_at: new Date().toISOString() })
		.where(and(eq(deliveries.event_id, eventId), inArray(deliveries.destination_id, destinationIds)))
		.returning({ event_id: deliveries.event_id, destination_id: deliveries.destination_id });
}

/**
 * Pending deliveries nothing has touched since `cutoff` and none is due after it: their Queue
 * message was lost (an enqueue that failed after the row was written). Marks them touched now and
 * returns them, at most `limit`, oldest first; for one destination only when given.
 */
export async function reclaimStranded(
	db: D1Database,
	cutoff: string,
	limit: number,
	destinationId: string | null = null,
): Promise<DeliveryKey[]> {
	return strandedQuery(db, cutoff, limit, destinationId);
}

export function strandedQuery(db: D1Database, cutoff: string, limit: number, destinationId: string | null) {
	const stale = and(
		eq(deliveries.outcome, "pending"),
		lt(deliveries.updated_at, cutoff),
		or(isNull(deliveries.next_attempt_at), lt(deliveries.next_attempt_at, cutoff)),
		destinationId === null ? undefined : eq(deliveries.destination_id, destinationId),
	);
	const d1 = drizzle(db);
	const picked = d1
		.select({ rowid: sql`rowid` })
		.from(deliveries)
		.where(stale)
		.orderBy(deliveries.updated_at)
		.limit(limit);
	return d1
		.update(deliveries)
		.set({ updated_at: new Date().toISOString() })
		.where(sql`rowid IN ${picked}`)
		.returning({ event_id: deliveries.event_id, destination_id: deliveries.destination_id });
}
