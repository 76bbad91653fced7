/** Alerts: one row per episode of a condition that needs an operator (src/alerts). */
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const ALERT_STATUSES = ["open", "acknowledged", "resolved"] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/**
 * An alert is "live" while open or acknowledged: at most one live alert per fingerprint. The same
 * text is the conflict target of the upsert (storage/alerts.ts), which SQLite matches term by term.
 */
export const LIVE = sql.raw("status IN ('open', 'acknowledged')");

export const alerts = sqliteTable(
	"alerts",
	{
		id: text().primaryKey(),
		kind: text().notNull(),
		/** `kind:subject`, e.g. `entity.stuck:assignment:A-1`. */
		fingerprint: text().notNull(),
		subject: text().notNull(),
		status: text({ enum: ALERT_STATUSES }).notNull(),
		/** JSON object: what the latest occurrence saw. */
		details: text().notNull(),
		/** Occurrences seen while live (sweep runs that saw the condition, or counted things like dead deliveries). */
		count: integer().notNull(),
		first_seen: text().notNull(),
		last_seen: text().notNull(),
		acknowledged_at: text(),
		acknowledged_by: text(),
		resolved_at: text(),
		/** A change the channels have not been told of yet: `opened` or `resolved`; null when told. */
		notify: text({ enum: ["opened", "resolved"] }),
		notified_at: text(),
	},
	(t) => [
		uniqueIndex("alerts_live_fingerprint").on(t.fingerprint).where(LIVE),
		// GET /v1/alerts pages in (first_seen, id) order under each filter.
		index("alerts_by_first_seen").on(t.first_seen, t.id),
		index("alerts_by_status").on(t.status, t.first_seen, t.id),
		index("alerts_by_kind").on(t.kind, t.first_seen, t.id),
		index("alerts_by_kind_status").on(t.kind, t.status, t.first_seen, t.id),
		index("alerts_to_notify").on(t.notify).where(sql`notify IS NOT NULL`),
	],
);

export type AlertRow = typeof alerts.$inferSelect;

/**
 * Operational events (`ops.<alert kind>`): an alert's opening or resolution, forwarded to the
 * destinations that subscribe to `ops.*` like any event (notifications/ops-forwarding.ts).
 */
export const opsEvents = sqliteTable("ops_events", {
	/** `ops:<alert id>:<opened|resolved>`: the webhook-id its deliveries carry. */
	id: text().primaryKey(),
	type: text().notNull(),
	occurred_at: text().notNull(),
	/** The body sent, as JSON. */
	body: text().notNull(),
});
