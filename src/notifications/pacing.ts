/**
 * Paced destinations (`max_per_second`, `max_in_flight`): a delivery over the pace waits, sent
 * again with a delay; it is not failed, not dropped, and its retries are not spent. The pace is
 * a token bucket on the destination's row (a second's worth of burst), the in-flight count a
 * lease on the delivery's row that its attempt's record ends; both are one D1 statement each.
 */
import { type SQL, sql } from "drizzle-orm";
import type { DeliveryKey } from "../storage/deliveries";
import { deliveries, destinations } from "../storage/delivery-schema";
import { ATTEMPT_TIMEOUT_MS } from "./attempt";

/** An attempt holds its slot at most this long, so a lost one frees it (the attempt's timeout and some). */
const LEASE_MS = ATTEMPT_TIMEOUT_MS + 5_000;

/** Takes one token if the bucket has one; returns a row then. */
export function tokenStatement(destinationId: string, perSecond: number, nowMs: number): SQL {
	const refilled = sql`min(${perSecond}, coalesce(${destinations.pace_tokens}, ${perSecond})
		+ (${nowMs} - coalesce(${destinations.pace_at}, ${nowMs})) * ${perSecond} / 1000.0)`;
	return sql`UPDATE ${destinations} SET pace_tokens = ${refilled} - 1, pace_at = ${nowMs}
		WHERE ${destinations.id} = ${destinationId} AND ${refilled} >= 1
		RETURNING ${destinations.id}`;
}

/** Leases an in-flight slot if fewer than `max` are held; returns a row then. */
export function leaseStatement(key: DeliveryKey, max: number, nowMs: number): SQL {
	return sql`UPDATE ${deliveries} SET sending_until = ${nowMs + LEASE_MS}
		WHERE ${deliveries.event_id} = ${key.event_id} AND ${deliveries.destination_id} = ${key.destination_id}
		AND (SELECT count(*) FROM ${deliveries} AS held INDEXED BY deliveries_in_flight
			WHERE held.destination_id = ${key.destination_id} AND held.sending_until > ${nowMs}) < ${max}
		RETURNING ${deliveries.event_id}`;
}

/** Seconds a delivery over the pace waits before it is tried again. */
export const PACED_WAIT_SECONDS = 1;
