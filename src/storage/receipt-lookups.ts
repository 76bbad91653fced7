/** The ingress audit trail for partner lookups, in (received_at, id) order. */
import { and, asc, desc, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Direction } from "./event-lookups";
import { NOT_ACCEPTED, receipts } from "./schema";

export type Outcome = (typeof receipts.outcome.enumValues)[number];

export interface ReceiptFilters {
	outcome?: Outcome;
	since?: string;
	until?: string;
}

export type ReceiptPosition = [receivedAt: string, id: number];

export function receiptListQuery(
	db: D1Database,
	f: ReceiptFilters,
	after: ReceiptPosition | null,
	limit: number,
	direction: Direction = "asc",
) {
	const where: SQL[] = [];
	if (f.outcome !== undefined) where.push(eq(receipts.outcome, f.outcome));
	if (f.outcome !== undefined && f.outcome !== "accepted") where.push(NOT_ACCEPTED.receipts);
	if (f.since !== undefined) where.push(gte(receipts.received_at, f.since));
	if (f.until !== undefined) where.push(lt(receipts.received_at, f.until));
	// `id` is the rowid, which every index of the table ends with.
	const beyond = direction === "asc" ? sql`>` : sql`<`;
	if (after) where.push(sql`(${receipts.received_at}, ${receipts.id}) ${beyond} (${after[0]}, ${after[1]})`);
	const order = direction === "asc" ? asc : desc;
	return drizzle(db)
		.select()
		.from(receipts)
		.where(and(...where))
		.orderBy(order(receipts.received_at), order(receipts.id))
		.limit(limit);
}

export function listReceipts(
	db: D1Database,
	f: ReceiptFilters,
	after: ReceiptPosition | null,
	limit: number,
	direction: Direction = "asc",
) {
	return receiptListQuery(db, f, after, limit, direction);
}
