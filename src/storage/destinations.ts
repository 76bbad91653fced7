/** Destinations in D1: the partner's endpoints, their filters, secrets and health. */
import { and, eq, like, not } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { AnyKind } from "../catalog/catalog";
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

export type DestinationChanges = Partial<
	Pick<Destination, "url" | "event_types" | "kinds" | "enabled" | "include_stale" | "secret">
>;

function fromRow(row: Row): Destination {
	return {
		id: row.id,
		url: row.url,
		event_types: JSON.parse(row.event_types) as string[],
		kinds: row.kinds === null ? null : (JSON.parse(row.kinds) as AnyKind[]),
		enabled: row.enabled,
		include_stale: row.include_stale,
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
	fields: Pick<Destination, "id" | "url" | "event_types" | "kinds" | "enabled" | "include_stale" | "secret">,
): Promise<Destination> {
	const now = new Date().toISOString();
	const [row] = await drizzle(db)
		.insert(destinations)
		.values({
			id: fields.id,
			url: fields.url,
			event_types: JSON.stringify(fields.event_types),
			kinds: fields.kinds === null ? null : JSON.stringify(fields.kinds),
			enabled: fields.enabled,
			include_stale: fields.include_stale,
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
	const set: Partial<Row> = { updated_at: new Date().toISOString() };
	if (changes.url !== undefined) set.url = changes.url;
	if (changes.event_types !== undefined) set.event_types = JSON.stringify(changes.event_types);
	if (changes.kinds !== undefined) set.kinds = changes.kinds === null ? null : JSON.stringify(changes.kinds);
	if (changes.include_stale !== undefined) set.include_stale = changes.include_stale;
	if (changes.secret !== undefined) set.secret = changes.secret;
	if (changes.enabled !== undefined) {
		set.enabled = changes.enabled;
		set.disabled_reason = changes.enabled ? null : "disabled by an admin";
		if (changes.enabled) Object.assign(set, { consecutive_failures: 0, failing_since: null });
	}
	const [row] = await drizzle(db).update(destinations).set(set).where(eq(destinations.id, id)).returning();
	return row ? fromRow(row) : null;
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
