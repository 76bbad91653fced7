/** A day's export made over several runs: bounded pages per run, 5 MiB parts, one gzip file, nothing twice. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { base64url } from "../../src/digests";
import { findExport } from "../../src/storage/export-lookups";
import { exportDay, exportKey } from "../../src/storage/exports";
import { insertReceipts } from "../../src/storage/receipts";
import { inOneBatch, insertRows } from "../../src/storage/rows";
import { events } from "../../src/storage/schema";
import { r2WithFailingPuts } from "../support/faults";
import { envWith } from "../support/worker";

const bucket = env.PAYLOADS as R2Bucket;

async function exported(kind: string, day: string): Promise<Record<string, unknown>[]> {
	const object = await bucket.get(exportKey(kind, day));
	if (!object) throw new Error("no export");
	const text = await new Response(object.body.pipeThrough(new DecompressionStream("gzip"))).text();
	expect(text.endsWith("\n")).toBe(true);
	return text
		.trimEnd()
		.split("\n")
		.map((line) => JSON.parse(line));
}

/** Runs until the export is done; the states after each run. */
async function untilDone(
	kind: "events" | "entities" | "receipts",
	day: string,
	pages: number,
	bindings: Cloudflare.Env = env,
) {
	const states = [];
	for (let i = 0; i < 50; i++) {
		await exportDay(bindings, kind, day, pages);
		const state = await findExport(env.HISTORY, kind, day);
		states.push(state);
		if (state?.status === "done") return states;
	}
	throw new Error("the export never finished");
}

describe("a day's export over several runs", () => {
	it("reads a bounded number of pages per run, carries what does not fill a part, and resumes", async () => {
		const day = "2025-07-01";
		const start = Date.parse(`${day}T00:00:00.000Z`);
		await insertReceipts(
			env.HISTORY,
			Array.from({ length: 2500 }, (_, i) => ({
				received_at: new Date(start + i * 30_000).toISOString(),
				outcome: "duplicate" as const,
				body_size: i,
			})),
		);
		const states = await untilDone("receipts", day, 1);
		expect(states.map((s) => [s?.status, s?.rows, s?.carry_key !== null])).toEqual([
			["running", 1000, true],
			["running", 2000, true],
			["done", 2500, false],
		]);
		const lines = await exported("receipts", day);
		expect(lines.map((r) => r.body_size)).toEqual(Array.from({ length: 2500 }, (_, i) => i));
		expect((await bucket.list({ prefix: `exports/.carry/receipts/${day}/` })).objects).toEqual([]);
	});

	it("exports a day of entities of every kind once each, in (updated_at, kind, key) order across pages", async () => {
		const day = "2025-07-03";
		const start = Date.parse(`${day}T00:00:00.000Z`);
		const kinds = ["asset", "assignment", "payment_batch", "unclassified"];
		const insert = env.HISTORY.prepare(
			"INSERT INTO entities (kind, key, status, occurred_at, updated_at, version, related, anomalies) VALUES (?, ?, 'completed', ?, ?, 1, '{}', '[]')",
		);
		// Three entities of each kind share each instant, so ties fall across the 1,000-row pages.
		const rows = kinds.flatMap((kind) =>
			Array.from({ length: 300 }, (_, i) => {
				const at = new Date(start + Math.floor(i / 3) * 60_000).toISOString();
				return insert.bind(kind, `k-${String(i).padStart(3, "0")}`, at, at);
			}),
		);
		await env.HISTORY.batch(rows);
		const states = await untilDone("entities", day, 1);
		expect(states.at(-1)?.rows).toBe(1200);
		const lines = await exported("entities", day);
		const position = (r: Record<string, unknown>) => `${r.updated_at} ${r.kind} ${r.key}`;
		expect(new Set(lines.map(position)).size).toBe(1200);
		expect(lines.map(position)).toEqual(lines.map(position).sort());
	});

	it("uploads 5 MiB parts as a large day fills them, and a run that dies is redone without repeating a row", async () => {
		const day = "2025-07-02";
		const start = Date.parse(`${day}T00:00:00.000Z`);
		// Random text barely compresses: ~9 MB of payloads make more than one 5 MiB part.
		const rows = Array.from({ length: 4500 }, (_, i) => {
			const at = new Date(start + i * 10_000).toISOString();
			return {
				event_id: `big-${day}-${String(i).padStart(5, "0")}`,
				type: "trade_receivables.asset_status_change",
				entity_kind: "asset",
				entity_key: `big-${i}`,
				status: "completed",
				occurred_at: at,
				received_at: at,
				result: "accepted",
				signature_scheme: "hmac",
				binding: "body",
				payload: JSON.stringify({ i, noise: base64url(crypto.getRandomValues(new Uint8Array(1500))) }),
			};
		});
		await inOneBatch(env.HISTORY, insertRows(events, rows));

		await exportDay(env, "events", day, 2);
		// The next run uploads a part, then fails to keep its carry: its state is not written.
		await expect(exportDay(envWith({ PAYLOADS: r2WithFailingPuts(bucket) }), "events", day, 2)).rejects.toThrow(
			/R2 unavailable/,
		);
		expect(await findExport(env.HISTORY, "events", day)).toMatchObject({ status: "running", rows: 2000, parts: "[]" });

		const states = await untilDone("events", day, 2);
		expect(states.some((s) => s?.status === "running" && JSON.parse(s.parts).length === 1)).toBe(true);
		const done = states[states.length - 1];
		expect(JSON.parse(done?.parts ?? "[]").length).toBeGreaterThanOrEqual(2);
		const lines = await exported("events", day);
		expect(lines.map((e) => e.event_id)).toEqual(rows.map((r) => r.event_id));
		expect(lines.map((e) => e.payload)).toEqual(rows.map((r) => r.payload));
		expect(done?.bytes).toBe((await bucket.head(exportKey("events", day)))?.size);
	});
});
