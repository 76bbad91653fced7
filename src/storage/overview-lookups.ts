/**
 * The console's overview, in counts: webhooks per hour and outcome, rejections by reason,
 * entities per kind and status, deliveries per outcome. Each reads one index range
 * (test/api/query-plans.test.ts) and groups what it read; they count rows, so the console
 * keeps their answers a minute (src/console/pages/overview.tsx).
 */
import { and, count, eq, gte, inArray, sql, sum } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { deliveries } from "./delivery-schema";
import { entities, NOT_ACCEPTED, receipts } from "./schema";

/** Per hour (`YYYY-MM-DDTHH`) and outcome, received at or after `since`; a suppressed row counts its `count`. */
export function receiptsByHourQuery(db: D1Database, since: string) {
	const hour = sql<string>`substr(${receipts.received_at}, 1, 13)`;
	return drizzle(db)
		.select({ hour, outcome: receipts.outcome, requests: sum(receipts.count).mapWith(Number) })
		.from(receipts)
		.where(gte(receipts.received_at, since))
		.groupBy(hour, receipts.outcome);
}

/** Refusals since `since` by reason, with the latest time each was seen. */
export function rejectionsByReasonQuery(db: D1Database, since: string) {
	return drizzle(db)
		.select({
			reason: receipts.reason,
			requests: sum(receipts.count).mapWith(Number),
			last_at: sql<string>`max(${receipts.received_at})`,
		})
		.from(receipts)
		.where(
			and(
				inArray(receipts.outcome, ["rejected", "suppressed"]),
				NOT_ACCEPTED.receipts,
				gte(receipts.received_at, since),
			),
		)
		.groupBy(receipts.reason);
}

/** Entities of these kinds per kind and current status. */
export function entitiesByStatusQuery(db: D1Database, kinds: readonly string[]) {
	return drizzle(db)
		.select({ kind: entities.kind, status: entities.status, entities: count() })
		.from(entities)
		.where(inArray(entities.kind, [...kinds]))
		.groupBy(entities.kind, entities.status);
}

/** Deliveries not (yet) delivered, per outcome. */
export function undeliveredQuery(db: D1Database) {
	return drizzle(db)
		.select({ outcome: deliveries.outcome, deliveries: count() })
		.from(deliveries)
		.where(inArray(deliveries.outcome, ["pending", "failed", "dead", "paused"]))
		.groupBy(deliveries.outcome);
}

/** Deliveries of one destination per outcome (its page). */
export function destinationOutcomesQuery(db: D1Database, destinationId: string) {
	return drizzle(db)
		.select({ outcome: deliveries.outcome, deliveries: count() })
		.from(deliveries)
		.where(eq(deliveries.destination_id, destinationId))
		.groupBy(deliveries.outcome);
}

/** How many times each of these events was sent again (their duplicate receipts). */
export function duplicatesOfEventsQuery(db: D1Database, eventIds: string[]) {
	return drizzle(db)
		.select({ event_id: receipts.event_id, resends: sum(receipts.count).mapWith(Number) })
		.from(receipts)
		.where(
			and(
				eq(receipts.outcome, "duplicate"),
				sql`${receipts.event_id} IN (SELECT value FROM json_each(${JSON.stringify(eventIds)}))`,
			),
		)
		.groupBy(receipts.event_id);
}
