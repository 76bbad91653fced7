/** API keys managed through the admin API: stored as digests, labelled, scoped, revocable. */
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const apiKeys = sqliteTable(
	"api_keys",
	{
		id: text().primaryKey(),
		/** Names the key in logs, repairs and audit trails; the key itself is stored nowhere. */
		label: text().notNull(),
		role: text({ enum: ["admin", "partner"] }).notNull(),
		/** JSON array of entity kinds the key may read, or null for every kind. */
		kinds: text(),
		/** Whether events come with QI Tech's payload (CPF/CNPJ, bank data). */
		payloads: integer({ mode: "boolean" }).notNull(),
		/** Lowercase hex SHA-256 of the key. */
		digest: text().notNull(),
		/** The key's first characters, to recognise it (`qtk_3fa9…`). */
		prefix: text().notNull(),
		created_at: text().notNull(),
		created_by: text().notNull(),
		expires_at: text(),
		revoked_at: text(),
		last_used_at: text(),
	},
	(t) => [uniqueIndex("api_keys_by_digest").on(t.digest), index("api_keys_by_created").on(t.created_at, t.id)],
);
