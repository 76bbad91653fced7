/** The daily exports' state, for GET /v1/exports: listed by (day, kind), or one of them. */
import { and, asc, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { dailyExports, type ExportKind } from "./export-schema";
import { type ExportState, keyOf } from "./exports";

export interface ExportFilters {
	kind?: ExportKind;
	since?: string;
	until?: string;
}
export type ExportPosition = [day: string, kind: string];

/** Exports by (day, kind), oldest first: done and still running. */
export function exportListQuery(db: D1Database, f: ExportFilters, after: ExportPosition | null, limit: number) {
	const where: (SQL | undefined)[] = [
		f.kind === undefined ? undefined : eq(dailyExports.kind, f.kind),
		f.since === undefined ? undefined : gte(dailyExports.day, f.since),
		f.until === undefined ? undefined : lt(dailyExports.day, f.until),
		after ? sql`(${dailyExports.day}, ${dailyExports.kind}) > (${after[0]}, ${after[1]})` : undefined,
	];
	return drizzle(db)
		.select()
		.from(dailyExports)
		.where(and(...where))
		.orderBy(asc(dailyExports.day), asc(dailyExports.kind))
		.limit(limit);
}

export async function findExport(db: D1Database, kind: ExportKind, day: string): Promise<ExportState | null> {
	const [state] = await drizzle(db).select().from(dailyExports).where(keyOf(kind, day));
	return state ?? null;
}
