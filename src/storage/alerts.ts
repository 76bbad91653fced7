/**
 * Alert rows in D1. Raising and resolving are one statement per call whatever the number of
 * alerts (the rows travel as one JSON parameter, see rows.ts); lists are keyset pages in
 * (first_seen, id) order, each filter served by an index (test/api/query-plans.test.ts).
 */
import { and, asc, desc, eq, inArray, isNotNull, type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Alert, AlertKind } from "../alerts/alert";
import { type AlertRow, type AlertStatus, alerts, LIVE } from "./alert-schema";
import type { Direction } from "./event-lookups";
import { insertRows, rowsOfBatch } from "./rows";
import { events } from "./schema";

export const LIVE_STATUSES: AlertStatus[] = ["open", "acknowledged"];

export type NewAlertRow = Pick<
	AlertRow,
	"id" | "kind" | "fingerprint" | "subject" | "status" | "details" | "count" | "first_seen" | "last_seen" | "notify"
>;

export function fromAlertRow(row: AlertRow): Alert {
	const { notify: _notify, notified_at: _notifiedAt, ...alert } = row;
	return { ...alert, kind: row.kind as AlertKind, details: JSON.parse(row.details) as Alert["details"] };
}

/** Inserts each row, or counts it on the live alert of its fingerprint; answers the rows as they are now. */
export function upsertAlerts(db: D1Database, rows: NewAlertRow[]): Promise<AlertRow[]> {
	const conflict = sql`ON CONFLICT (fingerprint) WHERE ${LIVE} DO UPDATE SET
		count = ${alerts.count} + excluded.count, last_seen = excluded.last_seen, details = excluded.details
		RETURNING *`;
	return rowsOfBatch<AlertRow>(db, insertRows(alerts, rows, conflict));
}

/** Resolves the live alerts of these fingerprints; answers those it resolved. */
export async function resolveAlerts(
	db: D1Database,
	fingerprints: string[],
	at: string,
	notify: boolean,
): Promise<AlertRow[]> {
	if (fingerprints.length === 0) return [];
	return rowsOfBatch<AlertRow>(db, [resolveStatement(fingerprints, at, notify)]);
}

/** Named index: without statistics SQLite would rather walk every live alert by status. */
export function resolveStatement(fingerprints: string[], at: string, notify: boolean): SQL {
	const told = notify ? sql`, notify = 'resolved'` : sql``;
	return sql`UPDATE ${alerts} INDEXED BY alerts_live_fingerprint SET status = 'resolved', resolved_at = ${at}${told}
		WHERE ${LIVE} AND fingerprint IN (SELECT value FROM json_each(${JSON.stringify(fingerprints)})) RETURNING *`;
}

/** Acknowledges an open alert; null when no open alert has this id. */
export async function acknowledgeAlert(db: D1Database, id: string, by: string, at: string): Promise<AlertRow | null> {
	const [row] = await drizzle(db)
		.update(alerts)
		.set({ status: "acknowledged", acknowledged_at: at, acknowledged_by: by })
		.where(and(eq(alerts.id, id), eq(alerts.status, "open")))
		.returning();
	return row ?? null;
}

export async function alertById(db: D1Database, id: string): Promise<AlertRow | null> {
	const [row] = await drizzle(db).select().from(alerts).where(eq(alerts.id, id));
	return row ?? null;
}

/** Fingerprints of the live alerts of these kinds. */
export async function liveFingerprints(db: D1Database, kinds: AlertKind[], limit: number): Promise<string[]> {
	const rows = await liveOfKindsQuery(db, kinds, limit);
	return rows.map((r) => r.fingerprint);
}

export function liveOfKindsQuery(db: D1Database, kinds: AlertKind[], limit: number) {
	return drizzle(db)
		.select({ fingerprint: alerts.fingerprint })
		.from(alerts)
		.where(and(inArray(alerts.kind, kinds), inArray(alerts.status, LIVE_STATUSES)))
		.limit(limit);
}

/** The live alerts of these kinds, whole (for sweeps that judge each one). */
export async function liveAlertsOf(db: D1Database, kinds: AlertKind[], limit: number): Promise<Alert[]> {
	const rows = await drizzle(db)
		.select()
		.from(alerts)
		.where(and(inArray(alerts.kind, kinds), inArray(alerts.status, LIVE_STATUSES)))
		.limit(limit);
	return rows.map(fromAlertRow);
}

/** Whether the entity still has an event quarantined in the history. */
export async function hasQuarantined(db: D1Database, kind: string, key: string): Promise<boolean> {
	const [row] = await drizzle(db)
		.select({ id: events.event_id })
		.from(events)
		.where(and(eq(events.entity_kind, kind), eq(events.entity_key, key), eq(events.result, "quarantined")))
		.limit(1);
	return row !== undefined;
}

export interface AlertFilters {
	status?: AlertStatus;
	kind?: AlertKind;
}

export type AlertPosition = [firstSeen: string, id: string];

export function alertListQuery(
	db: D1Database,
	f: AlertFilters,
	after: AlertPosition | null,
	limit: number,
	direction: Direction = "asc",
) {
	const where: SQL[] = [];
	if (f.status !== undefined) where.push(eq(alerts.status, f.status));
	if (f.kind !== undefined) where.push(eq(alerts.kind, f.kind));
	const beyond = direction === "asc" ? sql`>` : sql`<`;
	if (after) where.push(sql`(${alerts.first_seen}, ${alerts.id}) ${beyond} (${after[0]}, ${after[1]})`);
	const order = direction === "asc" ? asc : desc;
	return drizzle(db)
		.select()
		.from(alerts)
		.where(and(...where))
		.orderBy(order(alerts.first_seen), order(alerts.id))
		.limit(limit);
}

export async function listAlerts(
	db: D1Database,
	f: AlertFilters,
	after: AlertPosition | null,
	limit: number,
	direction: Direction = "asc",
) {
	return (await alertListQuery(db, f, after, limit, direction)).map(fromAlertRow);
}

/** Alerts whose opening or resolution the channels have not been told of. */
export function pendingNotificationsQuery(db: D1Database, limit: number) {
	return drizzle(db).select().from(alerts).where(isNotNull(alerts.notify)).limit(limit);
}

/** Told: unless the alert changed again meanwhile (then its newer change is still to tell). */
export async function markNotified(db: D1Database, told: Pick<AlertRow, "id" | "notify">[], at: string): Promise<void> {
	const d1 = drizzle(db);
	const markTold = (notify: "opened" | "resolved") =>
		d1
			.update(alerts)
			.set({ notify: null, notified_at: at })
			.where(and(eq(alerts.notify, notify), idIn(told.filter((row) => row.notify === notify).map((row) => row.id))));
	await d1.batch([markTold("opened"), markTold("resolved")]);
}

/** One JSON parameter, whatever the number of ids (D1 binds at most 100 parameters). */
function idIn(ids: string[]): SQL {
	return sql`${alerts.id} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;
}
