/**
 * Entity lists for partner lookups, each served by an index (see the EXPLAIN QUERY PLAN test):
 * by (updated_at, kind, key) overall, (kind, updated_at, key) within a kind, (kind, status, …)
 * for one status, and through entity_links in (kind, key) order for a related entity.
 */
import { and, asc, eq, getTableColumns, gte, inArray, notInArray, type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { EntityState } from "../model";
import { fromEntityRow } from "./event-rows";
import { entities, entityLinks } from "./schema";

export interface EntityFilters {
	kind?: string;
	status?: string;
	/** Statuses that end the kind's flow; with `open`, only entities not (true) or only (false) in one. */
	finalStatuses?: readonly string[];
	open?: boolean;
	/** `link:key`, e.g. `assignment:A-1`. */
	related?: string;
	updatedSince?: string;
}

/** Lists through a related entity are ordered by (kind, key); all others by (updated_at, kind, key). */
export type EntityOrder = "related" | "updated";
export type EntityPosition = [kind: string, key: string] | [updatedAt: string, kind: string, key: string];

export function entityOrderOf(filters: EntityFilters): EntityOrder {
	return filters.related === undefined ? "updated" : "related";
}

export function entityPositionOf(
	order: EntityOrder,
	e: Pick<EntityState, "kind" | "key" | "updated_at">,
): EntityPosition {
	return order === "related" ? [e.kind, e.key] : [e.updated_at, e.kind, e.key];
}

export function entityListQuery(db: D1Database, filters: EntityFilters, after: EntityPosition | null, limit: number) {
	const d1 = drizzle(db);
	const where = [...entityConditions(filters)];
	if (filters.related === undefined) {
		if (after) where.push(afterUpdated(filters, after as [string, string, string]));
		const order =
			filters.kind === undefined
				? [entities.updated_at, entities.kind, entities.key]
				: [entities.updated_at, entities.key];
		return d1
			.select()
			.from(entities)
			.where(and(...where))
			.orderBy(...order.map((c) => asc(c)))
			.limit(limit);
	}
	where.push(
		eq(entityLinks.related, filters.related),
		eq(entities.kind, entityLinks.kind),
		eq(entities.key, entityLinks.key),
	);
	if (filters.kind !== undefined) where.push(eq(entityLinks.kind, filters.kind));
	if (after) where.push(afterRelated(filters, after as [string, string]));
	// CROSS JOIN keeps entity_links the outer loop, so rows come out in its primary key order.
	return d1
		.select(getTableColumns(entities))
		.from(entityLinks)
		.crossJoin(entities)
		.where(and(...where))
		.orderBy(asc(entityLinks.kind), asc(entityLinks.key))
		.limit(limit);
}

export async function listEntities(
	db: D1Database,
	filters: EntityFilters,
	after: EntityPosition | null,
	limit: number,
) {
	const rows = await entityListQuery(db, filters, after, limit);
	return rows.map(fromEntityRow);
}

function entityConditions(f: EntityFilters): SQL[] {
	const where: SQL[] = [];
	if (f.kind !== undefined && f.related === undefined) where.push(eq(entities.kind, f.kind));
	if (f.status !== undefined) where.push(eq(entities.status, f.status));
	if (f.open !== undefined) where.push(openCondition(f.open, f.finalStatuses ?? []));
	if (f.updatedSince !== undefined) where.push(gte(entities.updated_at, f.updatedSince));
	return where;
}

function openCondition(open: boolean, finals: readonly string[]): SQL {
	if (finals.length === 0) return open ? sql`1` : sql`0`;
	return open ? notInArray(entities.status, [...finals]) : inArray(entities.status, [...finals]);
}

function afterUpdated(f: EntityFilters, [updatedAt, kind, key]: [string, string, string]): SQL {
	// Within one kind the index is (kind, updated_at, key): compare only what follows kind.
	if (f.kind !== undefined) return sql`(${entities.updated_at}, ${entities.key}) > (${updatedAt}, ${key})`;
	return sql`(${entities.updated_at}, ${entities.kind}, ${entities.key}) > (${updatedAt}, ${kind}, ${key})`;
}

function afterRelated(f: EntityFilters, [kind, key]: [string, string]): SQL {
	if (f.kind !== undefined) return sql`${entityLinks.key} > ${key}`;
	return sql`(${entityLinks.kind}, ${entityLinks.key}) > (${kind}, ${key})`;
}
