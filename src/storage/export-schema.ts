/** D1 state of the history's long-running jobs: the daily exports, and the move of payloads to R2. */
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** The kinds of record exported every day, each to `exports/<kind>/<YYYY-MM-DD>.ndjson.gz`. */
export const EXPORT_KINDS = ["events", "entities", "receipts", "deliveries", "delivery_attempts"] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

/** One row per (day, kind): where its export stands, so a run picks up where the last one stopped. */
export const dailyExports = sqliteTable(
	"exports",
	{
		day: text().notNull(),
		kind: text({ enum: EXPORT_KINDS }).notNull(),
		status: text({ enum: ["running", "done"] }).notNull(),
		/** The R2 multipart upload, and its parts so far: JSON `[[part number, etag], …]`. */
		upload_id: text(),
		parts: text().notNull().default("[]"),
		/** JSON keyset position of the last row exported. */
		position: text(),
		/** CRC-32 and length of the NDJSON so far (the gzip trailer needs both). */
		crc: integer().notNull().default(0),
		raw_bytes: integer().notNull().default(0),
		rows: integer().notNull().default(0),
		/** An R2 object with the compressed bytes that do not fill a part yet. */
		carry_key: text(),
		/** The object's size, once done. */
		bytes: integer(),
		started_at: text().notNull(),
		updated_at: text().notNull(),
		finished_at: text(),
	},
	(t) => [primaryKey({ columns: [t.day, t.kind] }), index("exports_by_kind").on(t.kind, t.day)],
);

/** A job's resumable position (e.g. the rowid up to which inline payloads were moved to R2). */
export const historyJobs = sqliteTable("history_jobs", {
	name: text().primaryKey(),
	position: text().notNull(),
	updated_at: text().notNull(),
});
