/**
 * Multi-row inserts as one statement per ~1 MB of rows: the rows travel as one JSON parameter
 * and SQLite unpacks them with `json_each`. D1 binds at most 100 parameters a statement, so
 * row-by-row parameters would cost one statement per 7 events; this costs one per batch.
 */
import { getTableColumns, type SQL, sql, type Table } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";

/** D1 caps a string at 2 MB; a statement's JSON stays under half of it. */
const MAX_JSON_BYTES = 1_000_000;

/**
 * `INSERT INTO table (…) SELECT … FROM json_each(?)` for the rows, chunked by size. Columns
 * that no row names keep their DEFAULT; a key missing from one row is NULL in that row.
 * `conflict` is the statement's `ON CONFLICT …` clause, if any.
 */
export function insertRows<T extends Record<string, unknown>>(table: Table, rows: T[], conflict: SQL = sql``): SQL[] {
	if (rows.length === 0) return [];
	const named = new Set(rows.flatMap((row) => Object.keys(row)));
	const columns = Object.entries(getTableColumns(table)).filter(([key]) => named.has(key));
	const target = sql.join(
		columns.map(([, column]) => sql.identifier(column.name)),
		sql`, `,
	);
	const values = sql.join(
		columns.map(([key]) => sql.raw(`value ->> '${key}'`)),
		sql`, `,
	);
	// `WHERE true` lets SQLite tell the upsert's ON CONFLICT from a join constraint.
	return jsonChunks(rows).map(
		(json) => sql`INSERT INTO ${table} (${target}) SELECT ${values} FROM json_each(${json}) WHERE true ${conflict}`,
	);
}

function jsonChunks(rows: Record<string, unknown>[]): string[] {
	const chunks: string[] = [];
	let parts: string[] = [];
	let bytes = 0;
	for (const row of rows) {
		const part = JSON.stringify(row);
		const partBytes = part.length * 3; // UTF-16 units to UTF-8 bytes, at worst
		if (parts.length > 0 && bytes + partBytes > MAX_JSON_BYTES) {
			chunks.push(`[${parts.join(",")}]`);
			parts = [];
			bytes = 0;
		}
		parts.push(part);
		bytes += partBytes;
	}
	chunks.push(`[${parts.join(",")}]`);
	return chunks;
}

const dialect = new SQLiteAsyncDialect();

/**
 * Runs the statements as one D1 batch: one transaction, all or nothing. Straight on the D1
 * binding: drizzle's own batch() cannot bind the parameters of a raw `sql` statement.
 */
export async function inOneBatch(db: D1Database, statements: SQL[]): Promise<void> {
	await rowsOfBatch(db, statements);
}

/** The same, with the rows the statements return (`RETURNING …`), in order. */
export async function rowsOfBatch<T>(db: D1Database, statements: SQL[]): Promise<T[]> {
	if (statements.length === 0) return [];
	const results = await db.batch<T>(
		statements.map((statement) => {
			const { sql: text, params } = dialect.sqlToQuery(statement);
			return db.prepare(text).bind(...params);
		}),
	);
	return results.flatMap((result) => result.results ?? []);
}

/** A drizzle query builder or a raw statement: anything with SQL text and parameters. */
export type Statement = SQL | { toSQL(): { sql: string; params: unknown[] } };

/** Runs builders and raw statements as one D1 batch (one transaction); each one's rows, in order. */
export async function batchOf<T = Record<string, unknown>>(db: D1Database, statements: Statement[]): Promise<T[][]> {
	if (statements.length === 0) return [];
	const prepared = statements.map((statement) => {
		const { sql: text, params } = "toSQL" in statement ? statement.toSQL() : dialect.sqlToQuery(statement);
		return db.prepare(text).bind(...params);
	});
	return (await db.batch<T>(prepared)).map((result) => result.results ?? []);
}

/** Runs one statement; how many rows it changed. */
export async function changesOf(db: D1Database, statement: SQL): Promise<number> {
	const { sql: text, params } = dialect.sqlToQuery(statement);
	return (
		(
			await db
				.prepare(text)
				.bind(...params)
				.run()
		).meta.changes ?? 0
	);
}

/** The text and parameters of a statement, e.g. for EXPLAIN QUERY PLAN. */
export function toQuery(statement: SQL): { sql: string; params: unknown[] } {
	return dialect.sqlToQuery(statement);
}

/**
 * The rows of several index ranges, each already in order, as one list in the order of these
 * columns (`desc`: reversed). Rows equal on them keep their range's order (the sort is stable),
 * so a range's own tie-breakers, compared by SQLite, are never compared again in JavaScript.
 */
export function mergedRanges<T extends Record<string, unknown>>(
	ranges: T[][],
	columns: (keyof T)[],
	direction: "asc" | "desc" = "asc",
): T[] {
	const sign = direction === "asc" ? 1 : -1;
	const compare = (a: T, b: T) => {
		for (const column of columns) {
			if (a[column] !== b[column]) return sign * (String(a[column]) < String(b[column]) ? -1 : 1);
		}
		return 0;
	};
	return ranges.flat().sort(compare);
}
