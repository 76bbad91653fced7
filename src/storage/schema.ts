/** The D1 history: every event, every entity's latest state, their links, the ingress receipts. */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { UNCLASSIFIED } from "../catalog/catalog";
import { RECORDED_RESULTS, RESULTS } from "../model";

/**
 * Most events and webhooks are accepted, so the indexes by result and by outcome leave them out
 * (an index entry is a billed row written). A query for another result repeats the condition:
 * that is how SQLite knows it may use the partial index.
 */
export const NOT_ACCEPTED = {
	events: sql.raw("result <> 'accepted'"),
	receipts: sql.raw("outcome <> 'accepted'"),
};

/** Events of types outside the catalog, the only kind without types to list it by (partial index, as above). */
export const UNCLASSIFIED_EVENTS = sql.raw(`entity_kind = '${UNCLASSIFIED}'`);

export const events = sqliteTable(
	"events",
	{
		event_id: text().primaryKey(),
		type: text().notNull(),
		entity_kind: text().notNull(),
		entity_key: text().notNull(),
		status: text().notNull(),
		previous_status: text(),
		occurred_at: text().notNull(),
		received_at: text().notNull(),
		result: text({ enum: RECORDED_RESULTS }).notNull(),
		anomaly: text(),
		signature_scheme: text().notNull(),
		binding: text().notNull(),
		/** 1, 2, … in the order the entity's ledger recorded its events. */
		sequence: integer().notNull().default(0),
		/** JSON `Repair`: an admin's correction, release or discard; null for QI Tech's own events. */
		repair: text(),
		/**
		 * The whole JSON body as received, byte for byte, when it is kept inline; "" when it lives in
		 * R2 (`payload_key`) or has expired (`payload_expired_at`). See storage/payloads.ts.
		 */
		payload: text().notNull(),
		/** The R2 object (one per consumer batch) holding the payload at these UTF-8 bytes. */
		payload_key: text(),
		payload_offset: integer(),
		payload_length: integer(),
		/** When payload retention deleted it (PAYLOADS_RETENTION_DAYS). */
		payload_expired_at: text(),
	},
	(t) => [
		index("events_by_type").on(t.type, t.received_at, t.event_id),
		index("events_by_status").on(t.entity_kind, t.status, t.received_at, t.event_id),
		index("events_by_received").on(t.received_at, t.event_id),
		// Partner lookups page through events in (received_at, event_id) order under any filter. A
		// kind's list walks its types' ranges of events_by_type (storage/event-lookups.ts): only
		// unclassified events, whose types are unknown, have an index of their kind.
		index("events_unclassified").on(t.entity_kind, t.received_at, t.event_id).where(UNCLASSIFIED_EVENTS),
		index("events_by_entity_received").on(t.entity_kind, t.entity_key, t.received_at, t.event_id),
		// A list of accepted events walks events_by_received instead, nearly every row of which matches.
		index("events_by_result").on(t.result, t.received_at, t.event_id).where(NOT_ACCEPTED.events),
		// The console's search by anomaly; most events have none.
		index("events_by_anomaly").on(t.anomaly, t.received_at, t.event_id).where(sql`anomaly IS NOT NULL`),
	],
);

/**
 * `entities`, `entity_links` and `receipts` are WITHOUT ROWID tables (migration 0018): the rows
 * are kept in their primary key's B-tree, so the key costs no index entry of its own (a billed
 * row written per new row). drizzle-kit does not model WITHOUT ROWID: a rebuild it generates for
 * one of these tables must keep the clause (test/storage/rows-written.test.ts and
 * migrations.test.ts would fail).
 */
export const entities = sqliteTable(
	"entities",
	{
		kind: text().notNull(),
		key: text().notNull(),
		status: text().notNull(),
		occurred_at: text().notNull(),
		updated_at: text().notNull(),
		/** Bumped by the entity's ledger on every applied event: the newest write wins in D1. */
		version: integer().notNull(),
		/** JSON object: link name → key (assignment, fund_class, subscription, …). */
		related: text().notNull(),
		/** JSON array of `{event_id, anomaly}`. */
		anomalies: text().notNull(),
	},
	(t) => [
		primaryKey({ columns: [t.kind, t.key] }),
		// `key` last: partner lookups page through a kind in (updated_at, key) order. A list of
		// every kind merges one range of entities_by_kind per kind (storage/entity-lookups.ts).
		index("entities_by_status").on(t.kind, t.status, t.updated_at, t.key),
		index("entities_by_kind").on(t.kind, t.updated_at, t.key),
	],
);

/** One row per link of an entity, e.g. asset X belongs to `assignment:Y` and `fund_class:Z`. */
export const entityLinks = sqliteTable(
	"entity_links",
	{
		related: text().notNull(),
		kind: text().notNull(),
		key: text().notNull(),
	},
	(t) => [primaryKey({ columns: [t.related, t.kind, t.key] }), index("entity_links_by_entity").on(t.kind, t.key)],
);

/** The ingress audit trail: one row per request, or one aggregated row per suppressed flood. */
export const receipts = sqliteTable(
	"receipts",
	{
		/** With received_at, the key: the ingress counts it up per isolate (ingress/receipts.ts); random otherwise. */
		id: integer().notNull().default(sql`(abs(random() >> 11))`),
		received_at: text().notNull(),
		outcome: text({ enum: [...RESULTS, "rejected", "suppressed"] }).notNull(),
		reason: text(),
		event_id: text(),
		entity: text(),
		body_sha256: text(),
		body_size: integer().notNull(),
		client_ip: text(),
		signature_scheme: text(),
		/** How many requests this row stands for (more than 1 only for `suppressed`). */
		count: integer().notNull().default(1),
		/** `suppressed` only: JSON arrays of distinct client addresses and body digests (at most 20 each). */
		client_ips: text(),
		body_digests: text(),
	},
	(t) => [
		// In (received_at, id) order, so a range of time reads the table itself: no index by time.
		primaryKey({ columns: [t.received_at, t.id] }),
		index("receipts_by_outcome").on(t.outcome, t.received_at).where(NOT_ACCEPTED.receipts),
		// The console counts each event's resends; only duplicate receipts pay for this index.
		index("receipts_duplicates").on(t.event_id).where(sql`outcome = 'duplicate'`),
	],
);
