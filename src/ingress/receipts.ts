/**
 * The ingress audit trail. Every request leaves a receipt, written to D1 after the answer.
 * Receipts are buffered per isolate and written together at most every FLUSH_DELAY_MS (sooner
 * once FLUSH_MAX_ROWS wait: many small writes keep D1 from holding up everything else), and
 * rejections beyond REJECTIONS_PER_MINUTE per isolate are folded into one `suppressed` row
 * per reason and flush, so a flood of bad requests cannot become a flood of D1 writes. A folded
 * row keeps what tells a flood's sources apart: up to FOLDED_DETAIL distinct client addresses
 * and body digests.
 */

import { log } from "../logger";
import { insertReceipts, type NewReceiptRow } from "../storage/receipts";

export const FLUSH_DELAY_MS = 250;
export const FLUSH_MAX_ROWS = 100;
export const REJECTIONS_PER_MINUTE = 60;
export const FOLDED_DETAIL = 20;

export type Receipt = Omit<NewReceiptRow, "id" | "count">;

let pending: NewReceiptRow[] = [];
interface Folded {
	count: number;
	ips: Set<string>;
	digests: Set<string>;
}

let suppressed = new Map<string, Folded>();
let windowStartedAt = 0;
let rejectionsInWindow = 0;
let flushing: Promise<void> | null = null;

/**
 * Receipts are keyed by (received_at, id): ids count up from a random start per isolate, so the
 * receipts of one millisecond list in the order this isolate took them, and isolates never collide.
 */
let lastId = Math.floor(Math.random() * 2 ** 48);
const nextId = () => ++lastId;

/** Returns the promise of the write that will hold this receipt, for `waitUntil`. */
export function keepReceipt(db: D1Database, receipt: Receipt): Promise<void> {
	if (receipt.outcome === "rejected" && !withinRejectionBudget()) {
		fold(receipt);
	} else {
		pending.push({ ...receipt, id: nextId() });
	}
	// The request that fills the buffer writes it, in its own context: a Worker may not do I/O
	// on behalf of another request, so it cannot wake the flush an earlier request scheduled.
	if (pending.length >= FLUSH_MAX_ROWS) return writePending(db);
	flushing ??= flushSoon(db);
	return flushing;
}

function fold(receipt: Receipt): void {
	const reason = receipt.reason ?? "unknown";
	const folded = suppressed.get(reason) ?? { count: 0, ips: new Set(), digests: new Set() };
	folded.count++;
	if (receipt.client_ip && folded.ips.size < FOLDED_DETAIL) folded.ips.add(receipt.client_ip);
	if (receipt.body_sha256 && folded.digests.size < FOLDED_DETAIL) folded.digests.add(receipt.body_sha256);
	suppressed.set(reason, folded);
}

function withinRejectionBudget(): boolean {
	const now = Date.now();
	if (now - windowStartedAt >= 60_000) {
		windowStartedAt = now;
		rejectionsInWindow = 0;
	}
	rejectionsInWindow++;
	return rejectionsInWindow <= REJECTIONS_PER_MINUTE;
}

async function flushSoon(db: D1Database): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, FLUSH_DELAY_MS));
	flushing = null;
	await writePending(db);
}

async function writePending(db: D1Database): Promise<void> {
	const rows = pending;
	const folded = suppressed;
	pending = [];
	suppressed = new Map();
	const at = new Date().toISOString();
	for (const [reason, { count, ips, digests }] of folded) {
		rows.push({
			id: nextId(),
			received_at: at,
			outcome: "suppressed",
			reason,
			body_size: 0,
			count,
			client_ips: JSON.stringify([...ips]),
			body_digests: JSON.stringify([...digests]),
		});
	}
	try {
		await insertReceipts(db, rows);
	} catch (err) {
		// The audit trail is best effort: the events themselves are already durable.
		log("error", { message: "receipts not written", count: rows.length, error: String(err) });
	}
}
