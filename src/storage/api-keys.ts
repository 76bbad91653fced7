/** API keys in D1: created with the key shown once, found by digest, revoked, their last use noted. */
import { and, asc, eq, gt, isNull, or } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { AnyKind } from "../catalog/catalog";
import { apiKeys } from "./api-key-schema";

type Row = typeof apiKeys.$inferSelect;

export interface ApiKey {
	id: string;
	label: string;
	role: "admin" | "partner";
	kinds: AnyKind[] | null;
	payloads: boolean;
	prefix: string;
	created_at: string;
	created_by: string;
	expires_at: string | null;
	revoked_at: string | null;
	last_used_at: string | null;
}

export type NewApiKey = Pick<ApiKey, "label" | "role" | "kinds" | "payloads" | "expires_at" | "created_by">;

function fromRow({ digest: _digest, ...row }: Row): ApiKey {
	return { ...row, kinds: row.kinds === null ? null : (JSON.parse(row.kinds) as AnyKind[]) };
}

export async function insertApiKey(db: D1Database, key: NewApiKey, digest: string, prefix: string): Promise<ApiKey> {
	const [row] = await drizzle(db)
		.insert(apiKeys)
		.values({
			...key,
			id: `key_${crypto.randomUUID().replaceAll("-", "")}`,
			kinds: key.kinds === null ? null : JSON.stringify(key.kinds),
			digest,
			prefix,
			created_at: new Date().toISOString(),
		})
		.returning();
	return fromRow(row);
}

export async function listApiKeys(db: D1Database): Promise<ApiKey[]> {
	return (await drizzle(db).select().from(apiKeys).orderBy(asc(apiKeys.created_at), asc(apiKeys.id))).map(fromRow);
}

export async function findApiKey(db: D1Database, id: string): Promise<ApiKey | null> {
	const [row] = await drizzle(db).select().from(apiKeys).where(eq(apiKeys.id, id));
	return row ? fromRow(row) : null;
}

/** The key with this digest that may be used at `now`: not revoked, not expired. */
export async function usableKeyByDigest(db: D1Database, digest: string, now: string): Promise<ApiKey | null> {
	const [row] = await drizzle(db)
		.select()
		.from(apiKeys)
		.where(
			and(
				eq(apiKeys.digest, digest),
				isNull(apiKeys.revoked_at),
				or(isNull(apiKeys.expires_at), gt(apiKeys.expires_at, now)),
			),
		);
	return row ? fromRow(row) : null;
}

export async function revokeApiKey(db: D1Database, id: string): Promise<ApiKey | null> {
	const [row] = await drizzle(db)
		.update(apiKeys)
		.set({ revoked_at: new Date().toISOString() })
		.where(and(eq(apiKeys.id, id), isNull(apiKeys.revoked_at)))
		.returning();
	return row ? fromRow(row) : findApiKey(db, id);
}

export async function noteUse(db: D1Database, id: string, at: string): Promise<void> {
	await drizzle(db).update(apiKeys).set({ last_used_at: at }).where(eq(apiKeys.id, id));
}
