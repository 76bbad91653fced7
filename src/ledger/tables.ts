/** The ledger's own SQLite tables inside its Durable Object. */
import type { AnyKind } from "../catalog/catalog";
import { compareMoments } from "../catalog/ordering";
import type { EntityState, RecordedEvent } from "./records";

export function createTables(sql: SqlStorage): void {
	sql.exec(`
		CREATE TABLE IF NOT EXISTS entity (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL);
		CREATE TABLE IF NOT EXISTS events (
			seq INTEGER PRIMARY KEY AUTOINCREMENT,
			event_id TEXT NOT NULL UNIQUE,
			record TEXT NOT NULL,
			payload TEXT NOT NULL
		);
		CREATE TABLE IF NOT EXISTS outbox (
			seq INTEGER PRIMARY KEY,
			event_id TEXT NOT NULL UNIQUE,
			attempts INTEGER NOT NULL DEFAULT 0
		);
	`);
}

export function hasTables(sql: SqlStorage): boolean {
	return sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'entity'").toArray().length > 0;
}

export function readEntity(sql: SqlStorage): EntityState | null {
	const row = sql.exec<{ state: string }>("SELECT state FROM entity WHERE id = 1").toArray()[0];
	return row ? (JSON.parse(row.state) as EntityState) : null;
}

export function writeEntity(sql: SqlStorage, entity: EntityState): void {
	sql.exec(
		"INSERT INTO entity (id, state) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET state = ?1",
		JSON.stringify(entity),
	);
}

/** Records the event and queues its notification (callers wrap this in a transaction). */
export function insertEvent(sql: SqlStorage, event: RecordedEvent, payload: string): void {
	const { seq } = sql
		.exec<{ seq: number }>(
			"INSERT INTO events (event_id, record, payload) VALUES (?, ?, ?) RETURNING seq",
			event.event_id,
			JSON.stringify(event),
			payload,
		)
		.one();
	sql.exec("INSERT INTO outbox (seq, event_id) VALUES (?, ?)", seq, event.event_id);
}

/** Back into the outbox (if still recorded and not queued already); false if unknown. */
export function requeueEvent(sql: SqlStorage, eventId: string): boolean {
	const row = sql.exec<{ seq: number }>("SELECT seq FROM events WHERE event_id = ?", eventId).toArray()[0];
	if (!row) return false;
	sql.exec("INSERT INTO outbox (seq, event_id) VALUES (?, ?) ON CONFLICT DO NOTHING", row.seq, eventId);
	return true;
}

export function readRecords(
	sql: SqlStorage,
	eventIds: string[],
): Map<string, { record: RecordedEvent; payload: string }> {
	const found = new Map<string, { record: RecordedEvent; payload: string }>();
	for (const id of eventIds) {
		const row = sql
			.exec<{ record: string; payload: string }>("SELECT record, payload FROM events WHERE event_id = ?", id)
			.toArray()[0];
		if (row) found.set(id, { record: JSON.parse(row.record) as RecordedEvent, payload: row.payload });
	}
	return found;
}

/** Every event of the entity, in flow order (time, then final over open, then flow step). */
export function readHistory(sql: SqlStorage, kind: AnyKind): RecordedEvent[] {
	const records = sql
		.exec<{ record: string }>("SELECT record FROM events ORDER BY seq")
		.toArray()
		.map((row) => JSON.parse(row.record) as RecordedEvent);
	return records.sort((a, b) =>
		compareMoments(
			kind,
			{ at: Date.parse(a.occurred_at), status: a.status },
			{ at: Date.parse(b.occurred_at), status: b.status },
		),
	);
}
