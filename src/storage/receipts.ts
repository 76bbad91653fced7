/** Inserts ingress receipts (the audit trail) in one D1 batch. */
import { drizzle } from "drizzle-orm/d1";
import { chunksFor, inOneBatch } from "./rows";
import { receipts } from "./schema";

export type ReceiptRow = typeof receipts.$inferInsert;

export async function insertReceipts(db: D1Database, rows: ReceiptRow[]): Promise<void> {
	if (rows.length === 0) return;
	const d1 = drizzle(db);
	const full = rows.map((r) => ({ count: 1, ...r }));
	await inOneBatch(
		d1,
		chunksFor(receipts, full).map((chunk) => d1.insert(receipts).values(chunk)),
	);
}
