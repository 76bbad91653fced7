/** D1 allows 100 bound parameters a statement: split multi-row inserts to fit. */
import { getTableColumns, type Table } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { DrizzleD1Database } from "drizzle-orm/d1";

const MAX_PARAMETERS = 100;

export function chunksFor<T>(table: Table, rows: T[]): T[][] {
	const perRow = Object.keys(getTableColumns(table)).length;
	const size = Math.max(1, Math.floor(MAX_PARAMETERS / perRow));
	const chunks: T[][] = [];
	for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
	return chunks;
}

/** Runs the statements as one D1 batch: one transaction, all or nothing. */
export async function inOneBatch(d1: DrizzleD1Database, statements: BatchItem<"sqlite">[]): Promise<void> {
	const [first, ...rest] = statements;
	if (first) await d1.batch([first, ...rest]);
}
