/**
 * The reads behind the alert sweeps, each bounded and served by an index
 * (test/api/query-plans.test.ts): candidates for stuck entities, stuck alerts whose entity moved
 * on, rejected signatures in a window, accepted events missing from the history, dead deliveries.
 */
import { and, asc, desc, eq, gte, inArray, isNull, lt, lte, notExists, or, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { alerts } from "./alert-schema";
import { LIVE_STATUSES } from "./alerts";
import { deliveries } from "./delivery-schema";
import { entities, events, NOT_ACCEPTED, receipts } from "./schema";

export interface StatusWatch {
	kind: string;
	status: string;
	/** Only entities that entered the status at or before this time (ISO). */
	enteredBy: string;
}

export type StuckCandidate = { kind: string; key: string; status: string; updated_at: string };

/** Oldest first, at most `limit` per kind and status (index entities_by_status). */
export function stuckCandidatesQuery(db: D1Database, watch: StatusWatch, limit: number) {
	return drizzle(db)
		.select({ kind: entities.kind, key: entities.key, status: entities.status, updated_at: entities.updated_at })
		.from(entities)
		.where(
			and(eq(entities.kind, watch.kind), eq(entities.status, watch.status), lte(entities.updated_at, watch.enteredBy)),
		)
		.orderBy(asc(entities.updated_at), asc(entities.key))
		.limit(limit);
}

/** One D1 round trip for every watched status; one list per watch, in order. */
export async function stuckCandidates(
	db: D1Database,
	watches: StatusWatch[],
	limit: number,
): Promise<StuckCandidate[][]> {
	if (watches.length === 0) return [];
	const [first, ...rest] = watches.map((watch) => stuckCandidatesQuery(db, watch, limit));
	return drizzle(db).batch([first, ...rest]);
}

const detail = (field: string) => sql`${alerts.details} ->> ${`$.${field}`}`;

/**
 * Live alerts of `kind` (entity.stuck) whose entity is no longer as the alert saw it: another
 * status, or a newer event applied since (`updated_at`), or gone.
 */
export function movedOnQuery(db: D1Database, kind: string, limit: number) {
	return drizzle(db)
		.select({ fingerprint: alerts.fingerprint })
		.from(alerts)
		.leftJoin(entities, and(eq(entities.kind, detail("entity_kind")), eq(entities.key, detail("entity_key"))))
		.where(
			and(
				eq(alerts.kind, kind),
				inArray(alerts.status, LIVE_STATUSES),
				or(
					isNull(entities.kind),
					sql`${entities.status} IS NOT ${detail("status")}`,
					sql`${entities.updated_at} IS NOT ${detail("since")}`,
				),
			),
		)
		.limit(limit);
}

/** Rejections with one of these reasons received in [since, until), suppressed rows by their count. */
export function rejectionsQuery(db: D1Database, reasons: string[], since: string, until: string) {
	return drizzle(db)
		.select({ rejections: sql<number>`coalesce(sum(${receipts.count}), 0)` })
		.from(receipts)
		.where(
			and(
				inArray(receipts.outcome, ["rejected", "suppressed"]),
				NOT_ACCEPTED.receipts,
				inArray(receipts.reason, reasons),
				gte(receipts.received_at, since),
				lt(receipts.received_at, until),
			),
		);
}

export interface MissingReceipt {
	event_id: string | null;
	/** `kind:key`: the ledger that holds the event. */
	entity: string | null;
	received_at: string;
}

/**
 * Receipts of accepted events received in [since, until) whose event is not in the history,
 * newest first. At most `scanLimit` receipts are looked at, so a busy hour costs a bounded read.
 */
export function missingHistoryQuery(db: D1Database, since: string, until: string, scanLimit: number, limit: number) {
	const d1 = drizzle(db);
	const scanned = d1
		.select({ event_id: receipts.event_id, entity: receipts.entity, received_at: receipts.received_at })
		.from(receipts)
		.where(and(eq(receipts.outcome, "accepted"), gte(receipts.received_at, since), lt(receipts.received_at, until)))
		.orderBy(desc(receipts.received_at))
		.limit(scanLimit)
		.as("scanned");
	const recorded = d1.select({ one: sql`1` }).from(events).where(eq(events.event_id, scanned.event_id));
	return d1.select().from(scanned).where(notExists(recorded)).limit(limit);
}

/** Live alerts of `kind` (delivery.dead) whose destination has no dead delivery left (replayed, or removed). */
export function deadClearedQuery(db: D1Database, kind: string, limit: number) {
	const d1 = drizzle(db);
	const dead = d1
		.select({ one: sql`1` })
		.from(deliveries)
		.where(and(eq(deliveries.destination_id, alerts.subject), eq(deliveries.outcome, "dead")));
	return d1
		.select({ fingerprint: alerts.fingerprint })
		.from(alerts)
		.where(and(eq(alerts.kind, kind), inArray(alerts.status, LIVE_STATUSES), notExists(dead)))
		.limit(limit);
}
