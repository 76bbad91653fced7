import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { eventBody } from "../../simulator/qitech/examples";
import { missingHistory, sweepHistoryLag } from "../../src/alerts/history-lag";
import { sweepReadiness, sweepRejections } from "../../src/alerts/ingestion";
import { insertReceipts, type NewReceiptRow } from "../../src/storage/receipts";
import { queueNotAnswering } from "../support/faults";
import { deliverOk, historyRows, ledgerOf, post } from "../support/webhook";
import { envWith } from "../support/worker";

const minutes = (n: number) => n * 60_000;
const at = (base: Date, offsetMinutes: number) => new Date(base.getTime() + minutes(offsetMinutes));
const assetBody = () =>
	eventBody({ type: "trade_receivables.asset_status_change", key: crypto.randomUUID(), status: "pre_approved" });

async function alertsOf(fingerprint: string) {
	const { results } = await env.HISTORY.prepare("SELECT * FROM alerts WHERE fingerprint = ? ORDER BY first_seen")
		.bind(fingerprint)
		.all<{ status: string; count: number; details: string }>();
	return results.map((r) => ({ status: r.status, count: r.count, details: JSON.parse(r.details) }));
}

const rejected = (receivedAt: Date, reason: string, count = 1): NewReceiptRow => ({
	received_at: receivedAt.toISOString(),
	outcome: count > 1 ? "suppressed" : "rejected",
	reason,
	body_size: 0,
	count,
});

describe("a burst of rejected signatures", () => {
	it("raises, counts each run it lasts, and resolves when the five-minute window is quiet", async () => {
		// Rows written as the ingress writes them, at an injected time: a flood's receipts come back
		// folded into `suppressed` rows only after 60 a minute, which a test cannot time with real requests.
		const t0 = new Date("2026-03-10T15:00:00.000Z");
		await insertReceipts(env.HISTORY, [
			...Array.from({ length: 15 }, () => rejected(at(t0, -2), "invalid_signature")),
			rejected(at(t0, -1), "missing_signature", 10),
			// Not signatures, or outside the window: not counted.
			...Array.from({ length: 30 }, () => rejected(at(t0, -1), "invalid_payload")),
			rejected(at(t0, -6), "invalid_signature", 40),
		]);
		const fingerprint = "ingestion.rejections:signatures";

		expect(await sweepRejections(envWith({ ALERT_REJECTIONS_THRESHOLD: "25" }), t0)).toMatchObject({ opened: 0 });
		expect(await sweepRejections(env, t0)).toMatchObject({ rejections: 25, opened: 1 });
		expect(await sweepRejections(env, at(t0, 1))).toMatchObject({ rejections: 25, repeated: 1 });
		expect(await alertsOf(fingerprint)).toMatchObject([
			{ status: "open", count: 2, details: { rejections: 25, threshold: 20, window_seconds: 300 } },
		]);
		// At t0+4 only the suppressed row (10) is left in the window.
		expect(await sweepRejections(env, at(t0, 4))).toMatchObject({ rejections: 10, resolved: 1 });
		expect((await alertsOf(fingerprint)).map((a) => a.status)).toEqual(["resolved"]);
	});

	it("counts the receipts real rejected webhooks leave", async () => {
		const sent = new Date();
		for (let i = 0; i < 3; i++) expect((await post(assetBody(), { Signature: "0".repeat(64) })).status).toBe(401);
		for (let i = 0; i < 2; i++) expect((await post(assetBody())).status).toBe(401);
		// Receipts are written shortly after the answers.
		const sweepEnv = envWith({ ALERT_REJECTIONS_THRESHOLD: "4" });
		await expect
			.poll(async () => (await sweepRejections(sweepEnv, new Date())).rejections, { timeout: 5_000 })
			.toBeGreaterThanOrEqual(5);
		expect((await alertsOf("ingestion.rejections:signatures")).at(-1)?.status).toBe("open");
		expect(await sweepRejections(sweepEnv, at(sent, 6))).toMatchObject({ rejections: 0, resolved: 1 });
	});
});

describe("accepted events missing from the D1 history", () => {
	it("raises with an example when a Queue message is lost, counts, and resolves once the event is re-driven", async () => {
		const lost = await deliverOk(assetBody());
		const kept = await deliverOk(assetBody());
		await historyRows([lost.event_id, kept.event_id]);
		// As if the Queue had lost the message: acknowledged, in its ledger, not in D1.
		await env.HISTORY.prepare("DELETE FROM events WHERE event_id = ?").bind(lost.event_id).run();
		const receipt = () =>
			env.HISTORY.prepare("SELECT received_at FROM receipts WHERE event_id = ? AND outcome = 'accepted'")
				.bind(lost.event_id)
				.first<{ received_at: string }>();
		await expect.poll(receipt, { timeout: 5_000 }).not.toBeNull();
		const received = new Date((await receipt())?.received_at ?? "");
		const fingerprint = "ingestion.history_lag:history";

		expect(await sweepHistoryLag(env, at(received, 2))).toMatchObject({ missing: 0, opened: 0 });
		expect(await sweepHistoryLag(env, at(received, 4))).toMatchObject({ missing: 1, opened: 1 });
		expect(await sweepHistoryLag(env, at(received, 5))).toMatchObject({ missing: 1, repeated: 1 });
		expect(await alertsOf(fingerprint)).toMatchObject([
			{ status: "open", count: 2, details: { missing: 1, example_event_id: lost.event_id } },
		]);

		// The hook for the self-healing re-drive: each missing receipt names the ledger that holds the event.
		const missing = await missingHistory(env.HISTORY, at(received, 5));
		expect(missing).toEqual([{ event_id: lost.event_id, entity: lost.entity, received_at: received.toISOString() }]);
		for (const { event_id, entity } of missing) await ledgerOf(entity ?? "").requeue(event_id ?? "", 0);
		expect(await historyRows([lost.event_id])).toHaveLength(1);

		expect(await sweepHistoryLag(env, at(received, 6))).toMatchObject({ missing: 0, resolved: 1 });
		expect((await alertsOf(fingerprint)).map((a) => a.status)).toEqual(["resolved"]);
		// An hour later a receipt is no longer looked at.
		await env.HISTORY.prepare("DELETE FROM events WHERE event_id = ?").bind(lost.event_id).run();
		expect(await sweepHistoryLag(env, at(received, 61))).toMatchObject({ missing: 0 });
	});
});

describe("/readyz's checks failing", () => {
	it("raises one alert per failing check and resolves each when it passes again", async () => {
		const broken = envWith({
			EVENTS_QUEUE: queueNotAnswering(env.EVENTS_QUEUE),
			SIGNATURE_MAX_AGE_SECONDS: "five minutes",
		});
		const now = new Date();
		expect(await sweepReadiness(broken, now)).toMatchObject({ failing: 2, opened: 2 });
		expect(await sweepReadiness(broken, at(now, 1))).toMatchObject({ failing: 2, repeated: 2 });
		const [queue] = await alertsOf("ingestion.not_ready:events_queue");
		expect(queue).toMatchObject({ status: "open", count: 2, details: { check: "events_queue" } });
		expect(queue.details.result).toMatch(/^unavailable: .*queue service down/);
		expect((await alertsOf("ingestion.not_ready:settings"))[0].details.result).toMatch(/SIGNATURE_MAX_AGE_SECONDS/);

		expect(
			await sweepReadiness(envWith({ EVENTS_QUEUE: queueNotAnswering(env.EVENTS_QUEUE) }), at(now, 2)),
		).toMatchObject({ failing: 1, resolved: 1, repeated: 1 });
		expect(await sweepReadiness(env, at(now, 3))).toMatchObject({ failing: 0, resolved: 1 });
		expect((await alertsOf("ingestion.not_ready:events_queue")).map((a) => a.status)).toEqual(["resolved"]);
	});
});
