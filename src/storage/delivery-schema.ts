/** Partner destinations and one delivery row per (event, destination). */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const destinations = sqliteTable("destinations", {
	id: text().primaryKey(),
	url: text().notNull(),
	/** JSON array of exact event types or prefixes ending in `*`. */
	event_types: text().notNull(),
	/** JSON array of entity kinds, or null for every kind. */
	kinds: text(),
	enabled: integer({ mode: "boolean" }).notNull(),
	include_stale: integer({ mode: "boolean" }).notNull(),
	/** The Standard Webhooks secret (`whsec_<base64>`), sealed (src/secrets.ts). */
	secret: text().notNull(),
	/** `entity`: each entity's events in the ledger's order (notifications/ordering.ts); `none`: as they come. */
	ordering: text({ enum: ["none", "entity"] })
		.notNull()
		.default("none"),
	/** JSON filter (notifications/filter.ts) matched against the notification body, or null. */
	filter: text(),
	/** `thin`: ids, type, entity, status, sequence and a lookup link, without QI Tech's payload. */
	payload: text({ enum: ["full", "thin"] })
		.notNull()
		.default("full"),
	/** Pacing (notifications/pacing.ts): deliveries started per second, and at once; null: no limit. */
	max_per_second: integer(),
	max_in_flight: integer(),
	/** The pace's token bucket: tokens left at `pace_at` (epoch ms). */
	pace_tokens: real(),
	pace_at: integer(),
	created_at: text().notNull(),
	updated_at: text().notNull(),
	/** Why the destination is disabled (by an admin, or automatically after failing too long). */
	disabled_reason: text(),
	last_success_at: text(),
	last_failure_at: text(),
	last_failure: text(),
	consecutive_failures: integer().notNull().default(0),
	/** Start of the current run of failures; null while healthy. */
	failing_since: text(),
});

/** `blocked`: waits for an earlier event of its entity (an ordered destination). */
export const DELIVERY_OUTCOMES = ["pending", "delivered", "failed", "dead", "paused", "blocked"] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

export const deliveries = sqliteTable(
	"deliveries",
	{
		event_id: text().notNull(),
		destination_id: text().notNull(),
		attempts: integer().notNull().default(0),
		last_status_code: integer(),
		last_error: text(),
		next_attempt_at: text(),
		outcome: text({ enum: DELIVERY_OUTCOMES }).notNull(),
		created_at: text().notNull(),
		updated_at: text().notNull(),
		delivered_at: text(),
		/** The event's sequence in its entity's ledger. */
		sequence: integer(),
		/** `kind:key`, set only for a destination ordered by entity (it is what the order is kept by). */
		entity: text(),
		/** An attempt is under way until then (epoch ms): what max_in_flight counts. */
		sending_until: integer(),
	},
	(t) => [
		primaryKey({ columns: [t.event_id, t.destination_id] }),
		index("deliveries_in_order").on(t.destination_id, t.entity, t.sequence).where(sql.raw("entity IS NOT NULL")),
		index("deliveries_in_flight").on(t.destination_id, t.sending_until).where(sql.raw("sending_until IS NOT NULL")),
		index("deliveries_by_destination").on(t.destination_id, t.outcome, t.created_at),
		// The sweep for deliveries left pending (src/notifications/stranded.ts).
		index("deliveries_by_outcome").on(t.outcome, t.updated_at),
		// The daily export of deliveries walks one day of them (storage/exports.ts).
		index("deliveries_by_created").on(t.created_at),
	],
);

/** Every attempt of a delivery, for people to see why it failed (kept DELIVERY_ATTEMPTS_RETENTION_DAYS). */
export const deliveryAttempts = sqliteTable(
	"delivery_attempts",
	{
		event_id: text().notNull(),
		destination_id: text().notNull(),
		/** 1 for the first attempt. */
		attempt: integer().notNull(),
		at: text().notNull(),
		/** What the attempt left the delivery as: pending (to retry), delivered, failed. */
		outcome: text({ enum: DELIVERY_OUTCOMES }).notNull(),
		status: integer(),
		error: text(),
		duration_ms: integer().notNull(),
	},
	(t) => [
		primaryKey({ columns: [t.event_id, t.destination_id, t.attempt] }),
		index("delivery_attempts_by_time").on(t.at),
	],
);
