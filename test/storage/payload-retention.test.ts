/** PAYLOADS_RETENTION_DAYS: whole packs of old days deleted, their rows marked, the events kept. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EventNotification } from "../../src/model";
import { expirePayloads, markStatement } from "../../src/storage/payload-retention";
import { retention } from "../../src/storage/retention";
import { toQuery } from "../../src/storage/rows";
import { lookupOk } from "../api/partner-client";
import { consume, recordedEvent } from "../support/consumer";
import { envWith } from "../support/worker";

const DAY = 86_400_000;
const now = new Date();
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY).toISOString();
const bucket = env.PAYLOADS as R2Bucket;

function notification(receivedAt: string): EventNotification {
	const event = recordedEvent({ received_at: receivedAt, key: `ret-${crypto.randomUUID()}` });
	return { event, payload: JSON.stringify({ cpf: "123.456.789-00", received: receivedAt }), entity: null };
}

async function consumeAll(notifications: EventNotification[]) {
	expect((await consume(notifications)).explicitAcks).toHaveLength(notifications.length);
}

async function row(eventId: string) {
	return env.HISTORY.prepare("SELECT * FROM events WHERE event_id = ?")
		.bind(eventId)
		.first<{ payload: string; payload_key: string | null; payload_expired_at: string | null }>();
}

interface Looked {
	payload?: string;
	payload_expired?: boolean;
}

describe("payload retention", () => {
	it("keeps every payload by default", async () => {
		const old = notification(daysAgo(400));
		await consumeAll([old]);
		await retention.run(env, now);
		const kept = await row(old.event.event_id);
		expect(kept?.payload_expired_at).toBeNull();
		expect(await bucket.head(kept?.payload_key ?? "")).not.toBeNull();
	});

	it("deletes whole packs of days past PAYLOADS_RETENTION_DAYS, marks their rows, and keeps the events", async () => {
		const [ancient, old, recent] = [notification(daysAgo(100)), notification(daysAgo(40)), notification(daysAgo(2))];
		// One batch across three days: one pack per day.
		await consumeAll([ancient, old, recent]);
		const keys = await Promise.all([ancient, old, recent].map(async (n) => (await row(n.event.event_id))?.payload_key));
		expect(new Set(keys).size).toBe(3);
		const inline = notification(daysAgo(50));
		await env.HISTORY.prepare(
			`INSERT INTO events (event_id, type, entity_kind, entity_key, status, occurred_at, received_at, result, signature_scheme, binding, payload)
			 VALUES (?1, 'trade_receivables.asset_status_change', 'asset', ?1, 'completed', ?2, ?2, 'accepted', 'hmac', 'body', ?3)`,
		)
			.bind(inline.event.event_id, inline.event.received_at, inline.payload)
			.run();

		const done = await retention.run(envWith({ PAYLOADS_RETENTION_DAYS: "30" }), now);
		expect(done?.payloads).toBeGreaterThanOrEqual(5);
		for (const expired of [ancient, old, inline]) {
			expect(await row(expired.event.event_id)).toMatchObject({ payload: "", payload_expired_at: expect.any(String) });
			const looked = await lookupOk<Looked>(`/v1/events/${expired.event.event_id}`);
			expect(looked).toMatchObject({ event_id: expired.event.event_id, payload_expired: true });
			expect(looked).not.toHaveProperty("payload");
		}
		expect(await bucket.head(keys[0] ?? "")).toBeNull();
		expect(await bucket.head(keys[1] ?? "")).toBeNull();
		expect(await bucket.head(keys[2] ?? "")).not.toBeNull();
		expect((await lookupOk<Looked>(`/v1/events/${recent.event.event_id}`)).payload).toBe(recent.payload);
	});

	it("marks and deletes in bounded batches, and resumes on the next run", async () => {
		const old = Array.from({ length: 30 }, (_, i) => notification(daysAgo(200 + i)));
		await consumeAll(old);
		// Every row of this file is older than today.
		const cutoff = now;
		const first = await expirePayloads(env, cutoff, 2);
		expect(first.rows).toBeLessThanOrEqual(20);
		expect(first.packs).toBeLessThanOrEqual(20);
		const marked = await Promise.all(old.map(async (n) => (await row(n.event.event_id))?.payload_expired_at));
		expect(marked.filter((at) => at === null).length).toBeGreaterThan(0);
		for (let i = 0; i < 5; i++) await expirePayloads(env, cutoff, 2);
		for (const n of old) expect((await row(n.event.event_id))?.payload_expired_at).not.toBeNull();
		const { objects } = await bucket.list({ prefix: "payloads/" });
		expect(objects.filter((o) => o.key < `payloads/${cutoff.toISOString().slice(0, 10)}/`)).toEqual([]);
	});

	it("marks a window of rows through the rowid, never a scan", async () => {
		const { sql, params } = toQuery(markStatement(10, 1010, daysAgo(30), now.toISOString()));
		const { results } = await env.HISTORY.prepare(`EXPLAIN QUERY PLAN ${sql}`)
			.bind(...params)
			.all<{ detail: string }>();
		expect(results.map((r) => r.detail).join("\n")).toMatch(
			/^SEARCH events USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)$/,
		);
	});
});
