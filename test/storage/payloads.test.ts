/** QI Tech's payloads in R2: packed per consumer batch, written before D1, read back byte for byte. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { EXAMPLES, eventBody } from "../../simulator/qitech/examples";
import type { EventNotification } from "../../src/model";
import { packOf } from "../../src/storage/payloads";
import { lookupOk } from "../api/partner-client";
import { consume, recordedEvent } from "../support/consumer";
import { r2WithFailingPuts } from "../support/faults";
import { deliverOk, historyRows, payloadOfRow } from "../support/webhook";
import { envWith } from "../support/worker";

function notification(payload: string, receivedAt = new Date().toISOString()): EventNotification {
	return {
		event: recordedEvent({ received_at: receivedAt, key: `payload-${crypto.randomUUID()}` }),
		payload,
		entity: null,
	};
}

async function rowsOf(ids: string[]) {
	const { results } = await env.HISTORY.prepare(
		`SELECT * FROM events WHERE event_id IN (${ids.map(() => "?").join(",")}) ORDER BY event_id`,
	)
		.bind(...ids)
		.all<Record<string, string | number | null>>();
	return results;
}

describe("payloads in R2", () => {
	it("returns a 250 KiB non-ASCII payload byte for byte, from its pack, with one ranged read", async () => {
		const key = crypto.randomUUID();
		let body = eventBody({
			type: "trade_receivables.asset_creation",
			key,
			status: "pending_eligibility",
			extra: { notes: "Cessão de crédito — São Paulo, R$ 1.000,00 ✓ 💸 ".repeat(4000) },
		});
		body = body.slice(0, -1) + " ".repeat(250 * 1024 - new TextEncoder().encode(body).length) + body.slice(-1);
		expect(new TextEncoder().encode(body).length).toBe(250 * 1024);
		const { event_id } = await deliverOk(body, { scheme: "hmac" });
		const [row] = await historyRows([event_id]);
		expect(row).toMatchObject({ payload: "", payload_length: 250 * 1024 });
		expect(row.payload_key).toMatch(/^payloads\/\d{4}-\d{2}-\d{2}\/[0-9a-f]{32}$/);
		expect((await lookupOk<{ payload: string }>(`/v1/events/${event_id}`)).payload).toBe(body);
	});

	it("returns each of QI Tech's examples exactly as received", async () => {
		const answers = [];
		for (const example of EXAMPLES) answers.push({ body: example.body, ...(await deliverOk(example.body)) });
		const rows = await historyRows(answers.map((a) => a.event_id));
		expect(rows.every((r) => r.payload === "" && r.payload_key !== null)).toBe(true);
		for (const { body, event_id } of answers) {
			expect((await lookupOk<{ payload: string }>(`/v1/events/${event_id}`)).payload).toBe(body);
		}
	});

	it("packs a batch into one object, its key and bytes fixed by the batch's events alone", async () => {
		const batch = [notification('{"a":"ç"}'), notification('{"b":"—"}'), notification("{}")];
		const [first, again] = [await packOf(batch.map(entry)), await packOf([...batch].reverse().map(entry))];
		expect(again.key).toBe(first.key);
		expect(again.body).toEqual(first.body);
		expect((await consume(batch)).explicitAcks).toHaveLength(3);
		const rows = await rowsOf(batch.map((n) => n.event.event_id));
		expect(new Set(rows.map((r) => r.payload_key))).toEqual(new Set([first.key]));
		for (const [i, n] of [...batch].sort((a, b) => (a.event.event_id < b.event.event_id ? -1 : 1)).entries()) {
			expect(await payloadOfRow(rows[i])).toBe(n.payload);
		}
	});

	it("retries the whole batch when R2 fails, writes nothing to D1, and lands once when R2 is back", async () => {
		const batch = [notification('{"x":1}'), notification('{"y":"ã"}')];
		const ids = batch.map((n) => n.event.event_id);
		const failing = await consume(batch, envWith({ PAYLOADS: r2WithFailingPuts(env.PAYLOADS as R2Bucket) }));
		expect(failing.explicitAcks).toEqual([]);
		expect(failing.retryMessages).toHaveLength(2);
		expect(await rowsOf(ids)).toEqual([]);

		expect((await consume(batch)).explicitAcks).toHaveLength(2);
		const rows = await rowsOf(ids);
		expect(rows).toHaveLength(2);
		expect(await Promise.all(rows.map(payloadOfRow))).toEqual(
			[...batch].sort((a, b) => (a.event.event_id < b.event.event_id ? -1 : 1)).map((n) => n.payload),
		);
	});

	it("keeps the first pack a row points at when a retried event comes back in another batch", async () => {
		const [early, late] = [notification('{"first":"ü"}'), notification('{"second":1}')];
		await consume([early]);
		const [before] = await rowsOf([early.event.event_id]);
		await consume([late, early]);
		const [after] = await rowsOf([early.event.event_id]);
		expect(after).toEqual(before);
		expect(await payloadOfRow(after)).toBe(early.payload);
	});

	it("keeps payloads up to PAYLOADS_INLINE_MAX_BYTES, and every payload without the bucket, in the row", async () => {
		const [small, big] = [notification('{"s":"é"}'), notification(`{"b":"${"x".repeat(200)}"}`)];
		await consume([small, big], envWith({ PAYLOADS_INLINE_MAX_BYTES: "12" }));
		const rows = await rowsOf([small.event.event_id, big.event.event_id]);
		const byId = new Map(rows.map((r) => [r.event_id, r]));
		expect(byId.get(small.event.event_id)).toMatchObject({ payload: small.payload, payload_key: null });
		expect(byId.get(big.event.event_id)).toMatchObject({ payload: "", payload_length: 208 });

		const unbound = notification('{"no":"bucket"}');
		await consume([unbound], envWith({ PAYLOADS: undefined }));
		expect((await rowsOf([unbound.event.event_id]))[0]).toMatchObject({ payload: unbound.payload, payload_key: null });
	});
});

function entry({ event, payload }: EventNotification) {
	return { event_id: event.event_id, received_at: event.received_at, payload: payload ?? "" };
}
