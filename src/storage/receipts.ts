/** Inserts ingress receipts (the audit trail) in one D1 batch, one statement per ~1 MB. */
import { inOneBatch, insertRows } from "./rows";
import { receipts } from "./schema";

export type ReceiptRow = typeof receipts.$inferSelect;
export type NewReceiptRow = typeof receipts.$inferInsert;

export async function insertReceipts(db: D1Database, rows: NewReceiptRow[]): Promise<void> {
	if (rows.length === 0) return;
	const full = rows.map((r) => ({ count: 1, ...r }));
	await inOneBatch(db, insertRows(receipts, full));
}
