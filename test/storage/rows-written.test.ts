import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { counters } from "../../bench/meters/counters";
import { meteredD1 } from "../../bench/meters/d1";
import { insertReceipts, type NewReceiptRow } from "../../src/storage/receipts";
import { inOneBatch, insertRows } from "../../src/storage/rows";
import { entities, entityLinks } from "../../src/storage/schema";

/** The real history through the bench's D1 meter: the rows D1 reports written (each index entry is one, billed). */
function metered(db: D1Database) {
	const before = counters.d1_rows_written;
	return { db: meteredD1(db), written: () => counters.d1_rows_written - before };
}

const receipt = (outcome: NewReceiptRow["outcome"]): NewReceiptRow => ({
	received_at: new Date().toISOString(),
	outcome,
	event_id: crypto.randomUUID(),
	body_size: 100,
});

describe("the rows written per row of the history (what D1 bills)", () => {
	it.each([
		["accepted", 1],
		["duplicate", 3],
		["rejected", 2],
	] as const)(
		"writes an %s receipt as %i row(s): the table is kept in (received_at, id) order",
		async (outcome, rows) => {
			const { db, written } = metered(env.HISTORY);
			await insertReceipts(db, [receipt(outcome)]);
			expect(written()).toBe(rows);
		},
	);

	it("gives receipts of the same moment distinct ids, so none is lost to the key", async () => {
		const marker = crypto.randomUUID();
		const at = new Date().toISOString();
		await insertReceipts(
			env.HISTORY,
			Array.from({ length: 200 }, () => ({
				received_at: at,
				outcome: "accepted" as const,
				event_id: marker,
				body_size: 1,
			})),
		);
		const { n } = await env.HISTORY.prepare("SELECT count(DISTINCT id) AS n FROM receipts WHERE event_id = ?")
			.bind(marker)
			.first<{ n: number }>()
			.then((row) => row ?? { n: 0 });
		expect(n).toBe(200);
	});

	it("writes a new entity as its row and two index entries, and a link as its row and one", async () => {
		const key = crypto.randomUUID();
		const { db, written } = metered(env.HISTORY);
		const entity = {
			kind: "asset",
			key,
			status: "received",
			occurred_at: "2024-04-23T15:08:30.000Z",
			updated_at: new Date().toISOString(),
			version: 1,
			related: "{}",
			anomalies: "[]",
		};
		await inOneBatch(db, insertRows(entities, [entity]));
		expect(written()).toBe(3);
		await inOneBatch(db, insertRows(entityLinks, [{ related: `assignment:${key}`, kind: "asset", key }]));
		expect(written()).toBe(5);
		await inOneBatch(
			db,
			insertRows(entityLinks, [{ related: `assignment:${key}`, kind: "asset", key }], sql`ON CONFLICT DO NOTHING`),
		);
		expect(written()).toBe(5);
	});
});
