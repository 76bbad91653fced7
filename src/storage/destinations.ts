/** Destinations in D1: the partner's endpoints, their filters, secrets and health. */
import { and, eq, like, not } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { AnyKind } from "../catalog/catalog";
import type { Filter } from "../notifications/filter";
import { destinations } from "./delivery-schema";

type Row = typeof destinations.$inferSelect;

/** How a disabled_reason written by the receiver begins (an admin's reads otherwise). */
export const AUTO_DISABLED = "disabled automatically";

export interface Destination {
	id: string;
	url: string;
	event_types: string[];
	kinds: AnyKind[] | null;
	enabled: boolean;
	include_stale: boolean;
	ordering: "none" | "entity";
	filter: Filter | null;
	payload: "full" | "thin";
	max_per_second: number | null;
	max_in_flight: number | null;
	/** The signing secret sealed (src/secrets.ts); `signingSecretOf` opens it. */
	secret: string;
	created_at: string;
	updated_at: string;
	disabled_reason: string | null;
	health: {
		last_success_at: string | null;
		last_failure_at: string | null;
		last_failure: string | null;
		consecutive_failures: number;
		failing_since: string | null;
	};
}

/** What an admin sets of a destination (its secret sealed already). */
export const SETTABLE = [
	"url",
	"event_types",
	"kinds",
	"enabled",
	"include_stale",
	"ordering",
	"filter",
	"payload",
	"max_per_second",
	"max_in_flight",
	"secret",
] as const;
export type Settable = Pick<Destination, (typeof SETTABLE)[number]>;
export type DestinationChanges = Partial<Settable>;

function fromRow(row: Row): Destination {
	return {
		id: row.id,
		url: row.url,
		event_types: JSON.parse(row.event_types) as string[],
		kinds: row.kinds === null ? null : (JSON.parse(row.kinds) as AnyKind[]),
		enabled: row.enabled,
		include_stale: row.include_stale,
		ordering: row.ordering,
		filter: row.filter === null ? null : (JSON.parse(row.filter) as Filter),
		payload: row.payload,
		max_per_second: row.max_per_second,
		max_in_flight: row.max_in_flight,
		secret: row.secret,
		created_at: row.created_at,
		updated_at: row.updated_at,
		disabled_reason: row.disabled_reason,
		health: {
			last_success_at: row.last_success_at,
			last_failure_at: row.last_failure_at,
			last_failure: row.last_failure,
			consecutive_failures: row.consecutive_failures,
			failing_since: row.failing_since,
		},
	};
}

export async function listDestinations(db: D1Database): Promise<Destination[]> {
	return (await drizzle(db).select().from(destinations).orderBy(destinations.created_at)).map(fromRow);
}

export async function findDestination(db: D1Database, id: string): Promise<Destination | null> {
	const [row] = await drizzle(db).select().from(destinations).where(eq(destinations.id, id));
	return row ? fromRow(row) : null;
}

export function newDestinationId(): string {
	return `dst_${crypto.randomUUID().replaceAll("-", "")}`;
}

/** `secret` sealed already, for this `id` (see notifications/destinations.ts). */
export async function insertDestination(
	db: D1Database,
	fields: Settable & Pick<Destination, "id">,
): Promise<Destination> {
	const now = new Date().toISOString();
	const [row] = await drizzle(db)
		.insert(destinations)
		.values({
			...columnsOf(fields),
			id: fields.id,
			url: fields.url,
			event_types: JSON.stringify(fields.event_types),
			include_stale: fields.include_stale,
			enabled: fields.enabled,
			secret: fields.secret,
			created_at: now,
			updated_at: now,
			disabled_reason: fields.enabled ? null : "disabled at creation",
		})
		.returning();
	return fromRow(row);
}

export async function updateDestination(
	db: D1Database,
	id: string,
	changes: DestinationChanges,
): Promise<Destination | null> {
	const set: Partial<Row> = { ...columnsOf(changes), updated_at: new Date().toISOString() };
	if (changes.secret !== undefined) set.secret = changes.secret;
	if (changes.enabled !== undefined) {
		set.enabled = changes.enabled;
		set.disabled_reason = changes.enabled ? null : "disabled by an admin";
		if (changes.enabled) Object.assign(set, { consecutive_failures: 0, failing_since: null });
	}
	const [row] = await drizzle(db).update(destinations).set(set).where(eq(destinations.id, id)).returning();
	return row ? fromRow(row) : null;
}

/** The columns of the fields given (JSON where the column holds JSON); absent fields stay absent. */
function columnsOf(fields: Partial<Settable>): Partial<Row> {
	const json = (value: unknown) => (value === null ? null : JSON.stringify(value));
	const columns: Partial<Row> = {};
	if (fields.url !== undefined) columns.url = fields.url;
	if (fields.event_types !== undefined) columns.event_types = JSON.stringify(fields.event_types);
	if (fields.kinds !== undefined) columns.kinds = json(fields.kinds);
	if (fields.include_stale !== undefined) columns.include_stale = fields.include_stale;
	if (fields.ordering !== undefined) columns.ordering = fields.ordering;
	if (fields.filter !== undefined) columns.filter = json(fields.filter);
	if (fields.payload !== undefined) columns.payload = fields.payload;
	if (fields.max_per_second !== undefined) columns.max_per_second = fields.max_per_second;
	if (fields.max_in_flight !== undefined) columns.max_in_flight = fields.max_in_flight;
	return columns;
}

export async function deleteDestination(db: D1Database, id: string): Promise<boolean> {
	const rows = await drizzle(db).delete(destinations).where(eq(destinations.id, id)).returning({ id: destinations.id });
	return rows.length > 0;
}

/** Destinations whose secret is not sealed with `keyId`: to seal again after a key rotation. */
export async function sealedOtherwise(db: D1Database, keyId: string, limit: number) {
	return drizzle(db)
		.select({ id: destinations.id, secret: destinations.secret })
		.from(destinations)
		.where(not(like(destinations.secret, `v1.${keyId}.%`)))
		.limit(limit);
}

export async function replaceSecret(db: D1Database, id: string, before: string, after: string): Promise<void> {
	await drizzle(db)
		.update(destinations)
		.set({ secret: after })
		.where(and(eq(destinations.id, id), eq(destinations.secret, before)));
}
