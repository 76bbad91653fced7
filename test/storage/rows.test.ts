import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { inOneBatch, insertRows } from "../../src/storage/rows";
import { receipts } from "../../src/storage/schema";

/** D1's limit on one string or BLOB value, the JSON parameter included. */
const D1_MAX_STRING_BYTES = 2_000_000;

const receipt = (i: number, note: string) => ({
	received_at: new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString(),
	outcome: "rejected",
	reason: note,
	body_size: i,
	count: 1,
});

describe("multi-row inserts", () => {
	it("writes every row of a batch larger than one statement can carry, byte for byte", async () => {
		const marker = crypto.randomUUID();
		// 12 rows of ~150,000 non-ASCII characters: ~5 MB of UTF-8, several statements.
		const rows = Array.from({ length: 12 }, (_, i) => receipt(i, `${marker}:${i}:${"ção—€".repeat(30_000)}`));
		const statements = insertRows(receipts, rows);
		expect(statements.length).toBeGreaterThan(1);
		const dialect = new SQLiteAsyncDialect();
		for (const statement of statements) {
			const [json] = dialect.sqlToQuery(statement).params as string[];
			expect(new TextEncoder().encode(json).byteLength).toBeLessThan(D1_MAX_STRING_BYTES);
		}

		await inOneBatch(env.HISTORY, statements);

		const { results } = await env.HISTORY.prepare(
			"SELECT reason, body_size, count FROM receipts WHERE reason LIKE ? ORDER BY body_size",
		)
			.bind(`${marker}:%`)
			.all();
		expect(results).toEqual(rows.map((r) => ({ reason: r.reason, body_size: r.body_size, count: 1 })));
	});

	it("keeps a column's default when no row names it, and stores NULL for a key one row lacks", async () => {
		const marker = crypto.randomUUID();
		const rows = [
			{
				received_at: "2024-01-01T00:00:00.000Z",
				outcome: "rejected",
				reason: marker,
				body_size: 1,
				client_ip: "203.0.113.9",
			},
			{ received_at: "2024-01-01T00:00:01.000Z", outcome: "rejected", reason: marker, body_size: 2 },
		];
		await inOneBatch(env.HISTORY, insertRows(receipts, rows));
		const { results } = await env.HISTORY.prepare(
			"SELECT body_size, client_ip, count FROM receipts WHERE reason = ? ORDER BY body_size",
		)
			.bind(marker)
			.all();
		expect(results).toEqual([
			{ body_size: 1, client_ip: "203.0.113.9", count: 1 },
			{ body_size: 2, client_ip: null, count: 1 },
		]);
	});

	it("applies the statement's conflict clause to every row", async () => {
		const marker = crypto.randomUUID();
		await inOneBatch(env.HISTORY, insertRows(receipts, [{ ...receipt(1, marker), id: 9_000_001 }]));
		await inOneBatch(
			env.HISTORY,
			insertRows(
				receipts,
				[{ ...receipt(1, marker), body_size: 2, id: 9_000_001 }],
				sql`ON CONFLICT (received_at, id) DO UPDATE SET count = count + 1`,
			),
		);
		const row = await env.HISTORY.prepare("SELECT body_size, count FROM receipts WHERE id = 9000001").first();
		expect(row).toEqual({ body_size: 1, count: 2 });
	});
});
