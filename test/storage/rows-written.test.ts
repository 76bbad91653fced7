import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { insertReceipts, type NewReceiptRow } from "../../src/storage/receipts";
import { inOneBatch, insertRows } from "../../src/storage/rows";
import { entities, entityLinks } from "../../src/storage/schema";

/** The real history, with the rows D1 reports written (each index entry is one, billed) added up. */
function metered(db: D1Database) {
	const counted = { written: 0 };
	const batch = async <T>(statements: D1PreparedStatement[]) => {
		const results = await db.batch<T>(statements);
		for (const result of results) counted.written += result.meta.rows_written;
		return results;
	};
	return {
		db: new Proxy(db, { get: (target, name) => (name === "batch" ? batch : Reflect.get(target, name)) }),
		counted,
	};
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
			const { db, counted } = metered(env.HISTORY);
			await insertReceipts(db, [receipt(outcome)]);
			expect(counted.written).toBe(rows);
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
		const { db, counted } = metered(env.HISTORY);
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
		expect(counted.written).toBe(3);
		await inOneBatch(db, insertRows(entityLinks, [{ related: `assignment:${key}`, kind: "asset", key }]));
		expect(counted.written).toBe(5);
		await inOneBatch(
			db,
			insertRows(entityLinks, [{ related: `assignment:${key}`, kind: "asset", key }], sql`ON CONFLICT DO NOTHING`),
		);
		expect(counted.written).toBe(5);
	});
});
