/** Records older than their retention period go, a bounded batch at a time, from the Cron Trigger's sweep. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { raise, resolve } from "../../src/alerts/lifecycle";
import { insertReceipts } from "../../src/storage/receipts";
import { RETAINED, retention } from "../../src/storage/retention";
import { toQuery } from "../../src/storage/rows";
import { envWith } from "../support/worker";

const DAY = 86_400_000;
const now = new Date("2026-06-01T12:00:00.000Z");
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY).toISOString();

async function receiptsFrom(ip: string) {
	return (
		await env.HISTORY.prepare("SELECT count(*) AS n FROM receipts WHERE client_ip = ?").bind(ip).first<{ n: number }>()
	)?.n;
}

/** Attempts of one delivery, one at each time, numbered 1, 2, …; answers the delivery's event id. */
async function attemptsAt(times: string[]): Promise<string> {
	const eventId = `retention-${crypto.randomUUID()}`;
	const insert = env.HISTORY.prepare(
		"INSERT INTO delivery_attempts (event_id, destination_id, attempt, at, outcome, status, duration_ms) VALUES (?, 'dst_retention', ?, ?, 'pending', 503, 5)",
	);
	await env.HISTORY.batch(times.map((at, i) => insert.bind(eventId, i + 1, at)));
	return eventId;
}

async function attemptsLeft(eventId: string): Promise<number[]> {
	const { results } = await env.HISTORY.prepare(
		"SELECT attempt FROM delivery_attempts WHERE event_id = ? ORDER BY attempt",
	)
		.bind(eventId)
		.all<{ attempt: number }>();
	return results.map((r) => r.attempt);
}

/** An entity.stuck alert first seen `first` days ago, resolved `resolvedDays` days ago (null: still open). */
async function stuckAlert(first: number, resolvedDays: number | null): Promise<string> {
	const key = crypto.randomUUID();
	const details = { entity_kind: "asset", entity_key: key };
	await raise(env, [{ kind: "entity.stuck", subject: `asset:${key}`, details }], new Date(daysAgo(first)));
	if (resolvedDays !== null) await resolve(env, [`entity.stuck:asset:${key}`], new Date(daysAgo(resolvedDays)));
	return key;
}

async function alertsOf(key: string): Promise<number> {
	const row = await env.HISTORY.prepare("SELECT count(*) AS n FROM alerts WHERE subject = ?")
		.bind(`asset:${key}`)
		.first<{ n: number }>();
	return row?.n ?? 0;
}

describe("retention", () => {
	it("purges receipts older than RECEIPTS_RETENTION_DAYS (90 by default) and keeps newer ones", async () => {
		const row = (received_at: string, client_ip: string) => ({
			received_at,
			outcome: "duplicate" as const,
			body_size: 1,
			client_ip,
		});
		await insertReceipts(env.HISTORY, [
			row(daysAgo(91), "198.51.100.1"),
			row(daysAgo(89), "198.51.100.2"),
			row(daysAgo(400), "198.51.100.1"),
		]);
		const done = await retention.run(env, now);
		expect(done?.receipts).toBeGreaterThanOrEqual(2);
		expect(await receiptsFrom("198.51.100.1")).toBe(0);
		expect(await receiptsFrom("198.51.100.2")).toBe(1);
	});

	it("purges delivery attempts older than DELIVERY_ATTEMPTS_RETENTION_DAYS (90 by default) and keeps newer ones", async () => {
		const eventId = await attemptsAt([daysAgo(200), daysAgo(91), daysAgo(89), daysAgo(1)]);
		const done = await retention.run(env, now);
		expect(done?.delivery_attempts).toBeGreaterThanOrEqual(2);
		expect(await attemptsLeft(eventId)).toEqual([3, 4]);
		const shorter = await attemptsAt([daysAgo(8), daysAgo(6)]);
		await retention.run(envWith({ DELIVERY_ATTEMPTS_RETENTION_DAYS: "7" }), now);
		expect(await attemptsLeft(shorter)).toEqual([2]);
	});

	it("purges alerts resolved longer ago than RESOLVED_ALERTS_RETENTION_DAYS (365 by default), never open ones", async () => {
		const old = await stuckAlert(400, 399);
		const recent = await stuckAlert(300, 299);
		const open = await stuckAlert(400, null);
		const longOpen = await stuckAlert(400, 2);
		const done = await retention.run(env, now);
		expect(done?.resolved_alerts).toBeGreaterThanOrEqual(1);
		expect(await Promise.all([old, recent, open, longOpen].map(alertsOf))).toEqual([0, 1, 1, 1]);
	});

	it("deletes in bounded batches: at most 10,000 rows of a kind per run", async () => {
		const ip = "198.51.100.9";
		await insertReceipts(
			env.HISTORY,
			Array.from({ length: 12_000 }, (_, i) => ({
				received_at: new Date(now.getTime() - 200 * DAY + i).toISOString(),
				outcome: "rejected" as const,
				reason: "invalid_signature",
				body_size: 0,
				client_ip: ip,
			})),
		);
		expect((await retention.run(env, now))?.receipts).toBe(10_000);
		expect(await receiptsFrom(ip)).toBe(2_000);
		await retention.run(env, now);
		expect(await receiptsFrom(ip)).toBe(0);
	});

	it("keeps everything of a kind whose period is 0", async () => {
		const ip = "198.51.100.10";
		await insertReceipts(env.HISTORY, [
			{ received_at: daysAgo(1000), outcome: "accepted", body_size: 1, client_ip: ip },
		]);
		const done = await retention.run(envWith({ RECEIPTS_RETENTION_DAYS: "0" }), now);
		expect(done).not.toHaveProperty("receipts");
		expect(await receiptsFrom(ip)).toBe(1);
	});

	const byRows = RETAINED.flatMap((kind) => ("table" in kind ? [[kind.name, kind] as const] : []));
	it.each(byRows)("finds %s to purge through an index", async (_, kind) => {
		const { sql, params } = toQuery((await import("../../src/storage/retention")).purgeStatement(kind, daysAgo(90)));
		const { results } = await env.HISTORY.prepare(`EXPLAIN QUERY PLAN ${sql}`)
			.bind(...params)
			.all<{ detail: string }>();
		const plan = results.map((r) => r.detail).join("\n");
		// Receipts are their primary key's index (WITHOUT ROWID): a range of it, by received_at.
		expect(plan).toMatch(/SEARCH \w+ USING ((COVERING )?INDEX|PRIMARY KEY \(received_at<)/);
		expect(plan).not.toMatch(/TEMP B-TREE|^SCAN (receipts|alerts|delivery_attempts)\b/m);
	});
});
