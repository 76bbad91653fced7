/** Partner destinations and one delivery row per (event, destination). */
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const destinations = sqliteTable("destinations", {
	id: text().primaryKey(),
	url: text().notNull(),
	/** JSON array of exact event types or prefixes ending in `*`. */
	event_types: text().notNull(),
	/** JSON array of entity kinds, or null for every kind. */
	kinds: text(),
	enabled: integer({ mode: "boolean" }).notNull(),
	include_stale: integer({ mode: "boolean" }).notNull(),
	/** Standard Webhooks secret, `whsec_<base64>`. */
	secret: text().notNull(),
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

export const DELIVERY_OUTCOMES = ["pending", "delivered", "failed", "dead", "paused"] as const;
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
	},
	(t) => [
		primaryKey({ columns: [t.event_id, t.destination_id] }),
		index("deliveries_by_destination").on(t.destination_id, t.outcome, t.created_at),
		// The sweep for deliveries left pending (src/notifications/stranded.ts).
		index("deliveries_by_outcome").on(t.outcome, t.updated_at),
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
