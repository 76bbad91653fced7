/**
 * What a daily export holds for each kind of record: the rows of one UTC day by a time column,
 * walked in an index's order with a keyset position, one JSON object per row with its columns as
 * stored (JSON columns stay text). Events carry `payload`, the body as received (read from R2 for
 * packed ones), or null once payload retention deleted it. Entities are those updated that day,
 * as they are when exported; deliveries those created that day.
 */
import { type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { DAY_MS } from "../alerts/business-clock";
import type { Env } from "../env";
import { deliveries, deliveryAttempts } from "./delivery-schema";
import { ALL_KINDS, afterInKind, inUpdatedOrder } from "./entity-lookups";
import type { ExportKind } from "./export-schema";
import { historyOf, partitionOf } from "./partitions";
import { type PayloadColumns, readPayloads } from "./payloads";
import { batchOf } from "./rows";
import { entities, events, receipts } from "./schema";

type Row = Record<string, unknown>;
/** The keyset position of the last row exported: its time, then its tie-breakers. */
export type Position = (string | number)[];

interface Exported {
	table: SQLiteTable;
	/** The day's rows by this column; an index starts with it and then `order`. */
	time: SQLiteColumn;
	/** Tie-breakers after `time`; "rowid" for tables whose index ends there. */
	order: (SQLiteColumn | "rowid")[];
	/** Whose database: the events' partition of that day, or HISTORY. */
	events?: true;
	/** One range per entity kind, merged: entities have no index by time alone (entity-lookups.ts). */
	byKind?: true;
}

const KINDS: Record<ExportKind, Exported> = {
	events: { table: events, time: events.received_at, order: [events.event_id], events: true },
	entities: { table: entities, time: entities.updated_at, order: [entities.kind, entities.key], byKind: true },
	receipts: { table: receipts, time: receipts.received_at, order: [receipts.id] },
	deliveries: { table: deliveries, time: deliveries.created_at, order: ["rowid"] },
	delivery_attempts: { table: deliveryAttempts, time: deliveryAttempts.at, order: ["rowid"] },
};

const column = (c: SQLiteColumn | "rowid") => (c === "rowid" ? sql.raw("rowid") : sql.identifier(c.name));

/**
 * One page of the day's rows after `after`, in order: the statement, for plans and for reading.
 * For entities, `entityKind`'s range only (exportPage merges them).
 */
export function pageStatement(
	kind: ExportKind,
	day: string,
	after: Position | null,
	limit: number,
	entityKind?: string,
): SQL {
	const { table, time, order } = KINDS[kind];
	const start = `${day}T00:00:00.000Z`;
	const end = new Date(Date.parse(start) + DAY_MS).toISOString();
	const inDay = sql`${column(time)} >= ${start} AND ${column(time)} < ${end}`;
	if (entityKind !== undefined) {
		const from = after ? sql` AND ${afterInKind(entityKind, after as [string, string, string])}` : sql``;
		return sql`SELECT * FROM ${table} WHERE ${entities.kind} = ${entityKind} AND ${inDay}${from}
			ORDER BY ${entities.updated_at}, ${entities.key} LIMIT ${limit}`;
	}
	const keys = [time, ...order].map(column);
	const from = after
		? sql` AND (${sql.join(keys, sql`, `)}) > (${sql.join(
				after.map((v) => sql`${v}`),
				sql`, `,
			)})`
		: sql``;
	// Tables WITHOUT ROWID (entities, receipts) have none to select.
	const rowid = order.includes("rowid") ? sql`rowid AS "_rowid", ` : sql``;
	return sql`SELECT ${rowid}* FROM ${table} WHERE ${inDay}${from}
		ORDER BY ${sql.join(keys, sql`, `)} LIMIT ${limit}`;
}

/** The day's next rows as NDJSON lines, and the position after them. */
export async function exportPage(env: Env, kind: ExportKind, day: string, after: Position | null, limit: number) {
	const spec = KINDS[kind];
	const history = historyOf(env);
	const db = spec.events ? partitionOf(history, `${day}T00:00:00.000Z`).db : history.primary;
	const statements = spec.byKind
		? ALL_KINDS.map((entityKind) => pageStatement(kind, day, after, limit, entityKind))
		: [pageStatement(kind, day, after, limit)];
	const ranges = await batchOf<Row>(db, statements);
	const rows = spec.byKind
		? inUpdatedOrder(ranges as (Row & { updated_at: string; kind: string })[][]).slice(0, limit)
		: ranges[0];
	const last = rows[rows.length - 1];
	const position = last
		? [spec.time, ...spec.order].map((c) => last[c === "rowid" ? "_rowid" : c.name] as string)
		: after;
	const lines = spec.events ? await eventLines(env, rows) : rows.map(({ _rowid, ...row }) => JSON.stringify(row));
	return { lines, position, count: rows.length };
}

async function eventLines(env: Env, rows: Row[]): Promise<string[]> {
	const payloads = await readPayloads(env, rows as unknown as PayloadColumns[]);
	return rows.map((row, i) => {
		const {
			_rowid,
			payload: _payload,
			payload_key: _key,
			payload_offset: _offset,
			payload_length: _length,
			payload_expired_at: _expired,
			...rest
		} = row;
		return JSON.stringify({ ...rest, payload: payloads[i] });
	});
}
