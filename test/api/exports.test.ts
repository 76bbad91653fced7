/** GET /v1/exports and GET /v1/exports/{kind}/{date}: a day of every kind, listed, fetched and gunzipped. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { EXAMPLES } from "../../simulator/qitech/examples";
import type { EventNotification } from "../../src/model";
import { dailyExport } from "../../src/storage/exports";
import { insertReceipts } from "../../src/storage/receipts";
import { consume, entityAfter, recordedEvent } from "../support/consumer";
import { envWith } from "../support/worker";
import { ADMIN_KEY, type ErrorBody, lookup, lookupOk } from "./partner-client";

const DAY = "2026-03-10";
const at = (time: string) => `${DAY}T${time}.000Z`;
/** The Cron run after the day has settled. */
const NEXT_MORNING = new Date("2026-03-11T02:00:00.000Z");

async function gunzipLines(response: Response): Promise<Record<string, unknown>[]> {
	const text = await new Response(response.body?.pipeThrough(new DecompressionStream("gzip"))).text();
	return text
		.split("\n")
		.filter((line) => line !== "")
		.map((line) => JSON.parse(line));
}

/** The day's history: events through the consumer (payloads in R2), one legacy inline, receipts, a delivery. */
async function seedDay() {
	const notifications: EventNotification[] = EXAMPLES.slice(0, 5).map((example, i) => {
		const event = recordedEvent({
			event_id: `export-${i}-${crypto.randomUUID()}`,
			type: example.type,
			key: `export-${i}`,
			status: example.status,
			received_at: at(`10:00:0${i}`),
		});
		return { event, payload: example.body, entity: entityAfter(event) };
	});
	expect((await consume(notifications)).explicitAcks).toHaveLength(5);
	const legacy = { id: `export-legacy-${crypto.randomUUID()}`, payload: '{"legado":"ção","n":1.50}' };
	await env.HISTORY.batch([
		env.HISTORY.prepare(
			`INSERT INTO events (event_id, type, entity_kind, entity_key, status, occurred_at, received_at, result, signature_scheme, binding, payload)
			 VALUES (?1, 'trade_receivables.asset_status_change', 'asset', 'legacy', 'completed', ?2, ?2, 'accepted', 'hmac', 'body', ?3)`,
		).bind(legacy.id, at("23:59:59"), legacy.payload),
		env.HISTORY.prepare(
			`INSERT INTO deliveries (event_id, destination_id, attempts, outcome, created_at, updated_at) VALUES (?1, 'dst_export', 1, 'delivered', ?2, ?2)`,
		).bind(legacy.id, at("12:00:00")),
		env.HISTORY.prepare(
			`INSERT INTO delivery_attempts (event_id, destination_id, attempt, at, outcome, status, duration_ms) VALUES (?1, 'dst_export', 1, ?2, 'delivered', 200, 12)`,
		).bind(legacy.id, at("12:00:01")),
	]);
	await insertReceipts(env.HISTORY, [
		{ received_at: at("10:00:00"), outcome: "accepted", body_size: 10, client_ip: "198.51.100.7" },
		{ received_at: at("11:00:00"), outcome: "rejected", reason: "invalid_signature", body_size: 3 },
		{ received_at: "2026-03-11T00:00:00.000Z", outcome: "accepted", body_size: 1 },
	]);
	return { notifications, legacy };
}

describe("daily exports", () => {
	it("exports each kind's day, lists it, and streams it as one gzip file of NDJSON, payloads as received", async () => {
		const { notifications, legacy } = await seedDay();
		await dailyExport.run(env, NEXT_MORNING);

		const list = await lookupOk<{ data: { kind: string; day: string; status: string; rows: number }[] }>(
			`/v1/exports?since=${DAY}&until=2026-03-11`,
			{ key: ADMIN_KEY },
		);
		expect(list.data.map((e) => [e.kind, e.status, e.rows])).toEqual([
			["deliveries", "done", 1],
			["delivery_attempts", "done", 1],
			["entities", "done", 5],
			["events", "done", 6],
			["receipts", "done", 2],
		]);

		const response = await lookup(`/v1/exports/events/${DAY}`, { key: ADMIN_KEY });
		expect(response.status).toBe(200);
		expect(response.headers.get("content-type")).toBe("application/gzip");
		const events = await gunzipLines(response);
		expect(events.map((e) => e.received_at)).toEqual([...events.map((e) => e.received_at as string)].sort());
		const expected = new Map([
			...notifications.map((n) => [n.event.event_id, n.payload] as const),
			[legacy.id, legacy.payload] as const,
		]);
		expect(new Map(events.map((e) => [e.event_id, e.payload]))).toEqual(expected);
		expect(events[0]).not.toHaveProperty("payload_key");

		const receipts = await gunzipLines(await lookup(`/v1/exports/receipts/${DAY}`, { key: ADMIN_KEY }));
		expect(receipts.map((r) => [r.outcome, r.reason])).toEqual([
			["accepted", null],
			["rejected", "invalid_signature"],
		]);
		const entities = await gunzipLines(await lookup(`/v1/exports/entities/${DAY}`, { key: ADMIN_KEY }));
		expect(entities.map((e) => e.key).sort()).toEqual(notifications.map((n) => n.event.key).sort());
		const attempts = await gunzipLines(await lookup(`/v1/exports/delivery_attempts/${DAY}`, { key: ADMIN_KEY }));
		expect(attempts).toEqual([expect.objectContaining({ event_id: legacy.id, status: 200, duration_ms: 12 })]);
	});

	it("waits for the day to settle, and exports nothing with EXPORT_KINDS=none", async () => {
		const day = "2026-04-20";
		expect(await dailyExport.run(env, new Date("2026-04-21T00:30:00.000Z"))).not.toHaveProperty(`events:${day}`);
		expect(await dailyExport.run(envWith({ EXPORT_KINDS: "none" }), new Date("2026-04-21T03:00:00.000Z"))).toEqual({});
		const response = await lookup(`/v1/exports/events/${day}`, { key: ADMIN_KEY });
		expect(response.status).toBe(404);
	});

	it("is for admin keys only, and answers 404 for a day not exported, 400 for a bad kind or date", async () => {
		const partner = await lookup("/v1/exports");
		expect(partner.status).toBe(403);
		expect((await partner.json<ErrorBody>()).error.code).toBe("forbidden");
		expect((await lookup("/v1/exports/events/1999-01-01", { key: ADMIN_KEY })).status).toBe(404);
		expect((await lookup("/v1/exports/invoices/2026-03-10", { key: ADMIN_KEY })).status).toBe(400);
		expect((await lookup("/v1/exports/events/2026-3-10", { key: ADMIN_KEY })).status).toBe(400);
	});
});
