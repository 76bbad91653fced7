/**
 * Entity lists for partner lookups, each served by an index (see the EXPLAIN QUERY PLAN test):
 * (kind, updated_at, key) within a kind, (kind, status, …) for one status, and through
 * entity_links in (kind, key) order for a related entity. A list of every kind, in (updated_at,
 * kind, key) order, merges one range of each kind (`entityRanges`): no index of its own, which
 * every step of every entity would pay a billed row written for.
 */
import { and, asc, eq, getTableColumns, gt, gte, inArray, notInArray, type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { ENTITY_KINDS, UNCLASSIFIED } from "../catalog/catalog";
import type { EntityState } from "../model";
import { type EntityRow, fromEntityRow } from "./event-rows";
import { batchOf, mergedRanges } from "./rows";
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
		if (filters.kind === undefined) throw new Error("a list of every kind is one range per kind: entityRanges");
		if (after) where.push(afterInKind(filters.kind, after as [string, string, string]));
		return d1
			.select()
			.from(entities)
			.where(and(...where))
			.orderBy(asc(entities.updated_at), asc(entities.key))
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
	const ranges = entityRanges(filters).map((range) => entityListQuery(db, range, after, limit));
	// Several ranges go to D1 in one batch: one round trip, not one per kind.
	const rows =
		ranges.length === 1 ? await ranges[0] : inUpdatedOrder(await batchOf<EntityRow>(db, ranges)).slice(0, limit);
	return rows.map(fromEntityRow);
}

/** Every kind an entity can be of. */
export const ALL_KINDS: readonly string[] = [...ENTITY_KINDS, UNCLASSIFIED];

/** The filters of each index range a list walks: one per kind when no kind is asked for. */
export function entityRanges(filters: EntityFilters): EntityFilters[] {
	if (filters.kind !== undefined || filters.related !== undefined) return [filters];
	return ALL_KINDS.map((kind) => ({ ...filters, kind }));
}

/** Several kinds' ranges, each in (updated_at, key) order, as one list in (updated_at, kind, key) order. */
export function inUpdatedOrder<T extends { updated_at: string; kind: string }>(ranges: T[][]): T[] {
	return mergedRanges(ranges, ["updated_at", "kind"]);
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

/**
 * The rows of `kind` after a position in (updated_at, kind, key) order, as a range of the index
 * (kind, updated_at, key): compare only what follows kind.
 */
export function afterInKind(kind: string, [updatedAt, afterKind, key]: [string, string, string]): SQL {
	if (kind === afterKind) return sql`(${entities.updated_at}, ${entities.key}) > (${updatedAt}, ${key})`;
	return kind > afterKind ? gte(entities.updated_at, updatedAt) : gt(entities.updated_at, updatedAt);
}

function afterRelated(f: EntityFilters, [kind, key]: [string, string]): SQL {
	if (f.kind !== undefined) return sql`${entityLinks.key} > ${key}`;
	return sql`(${entityLinks.kind}, ${entityLinks.key}) > (${kind}, ${key})`;
}
