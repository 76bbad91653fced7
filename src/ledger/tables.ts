/** The ledger's own SQLite tables inside its Durable Object. */
import { compareMoments } from "../catalog/ordering";
import type { EntityState, RecordedEvent } from "../model";

/**
 * Two tables: the entity's state (one row) and its events. An event waits in the outbox while
 * `unsent` is not NULL (it counts the failed sends). `seq` is the rowid: events are never
 * deleted, so it only grows, without AUTOINCREMENT's extra table. There is no index (each entry
 * is a billed row written): the outbox is read as a rowid range from the oldest owed event
 * (`from`), which the Outbox keeps (outbox.ts); an event is found by its id by reading the
 * entity's events (its flow's steps and their re-emissions, which `snapshot` reads whole anyway:
 * billed rows read, 1,000 times cheaper than the row written an index entry costs per event).
 * A ledger from before keeps its UNIQUE index on event_id, and works the same.
 */
export function createTables(sql: SqlStorage): void {
	// One statement per exec: a cursor reports the rows written by its last statement only.
	sql.exec("CREATE TABLE IF NOT EXISTS entity (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL)");
	sql.exec(`CREATE TABLE IF NOT EXISTS events (
		seq INTEGER PRIMARY KEY,
		event_id TEXT NOT NULL,
		unsent INTEGER,
		record TEXT NOT NULL,
		payload TEXT NOT NULL
	)`);
}

/** Whether the tables exist; a ledger from before drops its outbox index here, once. */
export function hasTables(sql: SqlStorage): boolean {
	const names = sql
		.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE name IN ('entity', 'outbox')")
		.toArray()
		.map((row) => row.name);
	if (names.includes("outbox")) sql.exec("DROP INDEX outbox");
	return names.includes("entity");
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

/** Records the event with its notification owed (callers wrap this in a transaction). */
export function insertEvent(sql: SqlStorage, event: RecordedEvent, payload: string): void {
	sql.exec(
		"INSERT INTO events (seq, event_id, unsent, record, payload) VALUES (?, ?, 0, ?, ?)",
		event.sequence,
		event.event_id,
		JSON.stringify(event),
		payload,
	);
}

/** A repaired record, owed to the Queue again so the history and the destinations learn of it. */
export function updateEvent(sql: SqlStorage, event: RecordedEvent): void {
	sql.exec("UPDATE events SET record = ?, unsent = 0 WHERE seq = ?", JSON.stringify(event), event.sequence);
}

export function findEvent(sql: SqlStorage, eventId: string): RecordedEvent | null {
	const row = sql.exec<{ record: string }>("SELECT record FROM events WHERE event_id = ?", eventId).toArray()[0];
	return row ? (JSON.parse(row.record) as RecordedEvent) : null;
}

/** The sequence number of the last event recorded (0 before the first). */
export function lastSequence(sql: SqlStorage): number {
	return sql.exec<{ n: number | null }>("SELECT max(seq) AS n FROM events").one().n ?? 0;
}

/** Back into the outbox (one owed already stays as it is); its seq, or null if unknown. */
export function requeueEvent(sql: SqlStorage, eventId: string): number | null {
	const rows = sql
		.exec<{ seq: number }>("UPDATE events SET unsent = coalesce(unsent, 0) WHERE event_id = ? RETURNING seq", eventId)
		.toArray();
	return rows[0]?.seq ?? null;
}

export interface OutboxEntry {
	seq: number;
	unsent: number;
	record: RecordedEvent;
	payload: string;
}

/** The oldest notifications still owed from `from` on, but those just sent (`except`), with what they carry. */
export function readOutbox(sql: SqlStorage, from: number, limit: number, except: number[]): OutboxEntry[] {
	return sql
		.exec<{ seq: number; unsent: number; record: string; payload: string }>(
			`SELECT seq, unsent, record, payload FROM events WHERE seq >= ? AND unsent IS NOT NULL
			AND seq NOT IN (SELECT value FROM json_each(?)) ORDER BY seq LIMIT ?`,
			from,
			JSON.stringify(except),
			limit,
		)
		.toArray()
		.map((row) => ({ ...row, record: JSON.parse(row.record) as RecordedEvent }));
}

/**
 * These events, with these results, are in the D1 history: no longer owed. A record repaired
 * since it was sent (its result changed) stays owed. Returns the seqs confirmed.
 */
export function confirmEvents(sql: SqlStorage, confirmed: Confirmed[]): number[] {
	return sql
		.exec<{ seq: number }>(
			`UPDATE events SET unsent = NULL FROM (SELECT value ->> 0 AS id, value ->> 1 AS result FROM json_each(?)) AS c
			WHERE events.event_id = c.id AND json_extract(events.record, '$.result') = c.result AND unsent IS NOT NULL
			RETURNING seq`,
			JSON.stringify(confirmed.map((c) => [c.event_id, c.result])),
		)
		.toArray()
		.map((row) => row.seq);
}

export interface Confirmed {
	event_id: string;
	result: RecordedEvent["result"];
}

/** Sent again for want of a confirmation: counts towards the backoff. */
export function countResend(sql: SqlStorage, seqs: number[]): void {
	sql.exec("UPDATE events SET unsent = unsent + 1 WHERE seq IN (SELECT value FROM json_each(?))", JSON.stringify(seqs));
}

/** A send failed: every owed notification counts one more failure. */
export function countFailedSend(sql: SqlStorage, from: number): void {
	sql.exec("UPDATE events SET unsent = unsent + 1 WHERE seq >= ? AND unsent IS NOT NULL", from);
}

/** The oldest event owed from `from` on, or null: nothing is owed. */
export function oldestOwed(sql: SqlStorage, from = 0): number | null {
	const rows = sql
		.exec<{ seq: number }>("SELECT seq FROM events WHERE seq >= ? AND unsent IS NOT NULL ORDER BY seq LIMIT 1", from)
		.toArray();
	return rows[0]?.seq ?? null;
}

/** Every event of the entity, in flow order (time, then final over open, then flow step). */
export function readHistory(sql: SqlStorage): RecordedEvent[] {
	const records = sql
		.exec<{ record: string }>("SELECT record FROM events ORDER BY seq")
		.toArray()
		.map((row) => JSON.parse(row.record) as RecordedEvent);
	return records.sort((a, b) =>
		compareMoments(
			a.kind,
			{ at: Date.parse(a.occurred_at), status: a.status },
			{ at: Date.parse(b.occurred_at), status: b.status },
		),
	);
}
