import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { eventBody } from "../../simulator/qitech/examples";
import { findDestination } from "../../src/storage/destinations";
import { lookupOk } from "../api/partner-client";
import { deliveryRow, destinationFor, PartnerEndpoint } from "../support/partner";
import { deliverOk } from "../support/webhook";

const batchEvent = (status = "paid", key: string = crypto.randomUUID(), at?: string) =>
	eventBody({ type: "settlement.payment_batch_status_change", key, status, at });

/** What a destination received of this test's events (destinations of earlier tests get later events too). */
function sentOf(received: string[], ours: string[]): string[] {
	return received.filter((id) => ours.includes(id)).sort();
}

describe("forwarding each new event to partner destinations", () => {
	it("retries a destination that fails three times, then succeeds: four attempts, one webhook-id, verified signatures", async () => {
		const partner = new PartnerEndpoint();
		await partner.behave({ failTimes: 3, status: 503 });
		const destination = await destinationFor(partner);
		const answer = await deliverOk(batchEvent());
		await expect
			.poll(async () => (await deliveryRow(answer.event_id, destination.id))?.outcome, { timeout: 10_000 })
			.toBe("delivered");
		expect(await deliveryRow(answer.event_id, destination.id)).toMatchObject({
			attempts: 4,
			last_status_code: 200,
			last_error: null,
		});
		expect(sentOf(await partner.webhookIds(), [answer.event_id])).toEqual(Array(4).fill(answer.event_id));
		const { data } = await lookupOk<{
			data: { destination_id: string; attempt_log: { attempt: number; status: number }[] }[];
		}>(`/v1/events/${answer.event_id}/deliveries`);
		const log = data.find((d) => d.destination_id === destination.id)?.attempt_log ?? [];
		expect(log.map((a) => [a.attempt, a.status])).toEqual([
			[1, 503],
			[2, 503],
			[3, 503],
			[4, 200],
		]);
		// Throws unless every request the partner received verifies with the destination's secret.
		const [body] = await partner.verifiedBodies(destination.secret);
		expect(body).toMatchObject({
			id: answer.event_id,
			type: "settlement.payment_batch_status_change",
			entity: { kind: "payment_batch" },
			status: "paid",
			applied: true,
			data: { data: { status: "paid" } },
		});
		const health = (await findDestination(env.HISTORY, destination.id))?.health;
		expect(health).toMatchObject({ consecutive_failures: 0, failing_since: null });
		expect(health?.last_success_at).not.toBeNull();
	});

	it("sends QI Tech's payload under data exactly as received", async () => {
		const partner = new PartnerEndpoint();
		const destination = await destinationFor(partner);
		const body = batchEvent().replace("{", '{ "spacing_kept" : 1.50 ,');
		const answer = await deliverOk(body, { scheme: "hmac" });
		await expect
			.poll(async () => sentOf(await partner.webhookIds(), [answer.event_id]), { timeout: 10_000 })
			.toHaveLength(1);
		const received = (await partner.received()).find((r) => r.headers["webhook-id"] === answer.event_id);
		if (!received) throw new Error("not received");
		expect(received.body.endsWith(`"data":${body}}`)).toBe(true);
		expect(new Webhook(destination.secret).verify(received.body, received.headers)).toBeTruthy();
	});

	it("dead-letters a destination that always fails, recording every attempt", async () => {
		const partner = new PartnerEndpoint();
		await partner.behave({ down: true, status: 500 });
		const destination = await destinationFor(partner);
		const answer = await deliverOk(batchEvent());
		await expect
			.poll(async () => (await deliveryRow(answer.event_id, destination.id))?.outcome, { timeout: 15_000 })
			.toBe("dead");
		// 1 attempt + the test queue's max_retries (4).
		expect(await deliveryRow(answer.event_id, destination.id)).toMatchObject({ attempts: 5, last_status_code: 500 });
		expect(sentOf(await partner.webhookIds(), [answer.event_id])).toHaveLength(5);
		expect((await findDestination(env.HISTORY, destination.id))?.health.consecutive_failures).toBe(5);
	});

	it("honours the destination's Retry-After before the next attempt", async () => {
		const partner = new PartnerEndpoint();
		await partner.behave({ failTimes: 1, status: 429, retryAfter: 2 });
		const destination = await destinationFor(partner);
		const answer = await deliverOk(batchEvent());
		await expect
			.poll(async () => (await deliveryRow(answer.event_id, destination.id))?.attempts, { timeout: 10_000 })
			.toBe(1);
		const waiting = await env.HISTORY.prepare(
			"SELECT updated_at, next_attempt_at, outcome FROM deliveries WHERE event_id = ? AND destination_id = ?",
		)
			.bind(answer.event_id, destination.id)
			.first<{ updated_at: string; next_attempt_at: string; outcome: string }>();
		expect(waiting?.outcome).toBe("pending");
		expect(Date.parse(waiting?.next_attempt_at ?? "") - Date.parse(waiting?.updated_at ?? "")).toBe(2000);
		await expect
			.poll(async () => (await deliveryRow(answer.event_id, destination.id))?.outcome, { timeout: 10_000 })
			.toBe("delivered");
		const [first, second] = (await partner.received()).filter((r) => r.headers["webhook-id"] === answer.event_id);
		expect(second.at - first.at).toBeGreaterThanOrEqual(1_500);
	});

	it("fails at once on a 4xx other than 408 and 429", async () => {
		const partner = new PartnerEndpoint();
		await partner.behave({ down: true, status: 410 });
		const destination = await destinationFor(partner);
		const answer = await deliverOk(batchEvent());
		await expect
			.poll(async () => (await deliveryRow(answer.event_id, destination.id))?.outcome, { timeout: 10_000 })
			.toBe("failed");
		expect(await deliveryRow(answer.event_id, destination.id)).toMatchObject({ attempts: 1, last_status_code: 410 });
	});

	it("keeps delivering every event once to a healthy destination while another is down", async () => {
		const up = new PartnerEndpoint();
		const down = new PartnerEndpoint();
		await down.behave({ down: true, status: 503 });
		await destinationFor(down);
		await destinationFor(up);
		const key = crypto.randomUUID();
		const answers = [];
		for (const [i, status] of ["paid", "completed"].entries()) {
			answers.push(await deliverOk(batchEvent(status, key, `2024-04-23T15:08:3${i}Z`)));
		}
		const ids = answers.map((a) => a.event_id);
		await expect.poll(async () => sentOf(await up.webhookIds(), ids), { timeout: 10_000 }).toEqual([...ids].sort());
	});

	it("sends only the event types and kinds a destination asked for", async () => {
		const trade = new PartnerEndpoint();
		const batches = new PartnerEndpoint();
		const assetsOnly = new PartnerEndpoint();
		await destinationFor(trade, { event_types: ["trade_receivables.*"] });
		await destinationFor(batches, { event_types: ["settlement.payment_batch_status_change"] });
		await destinationFor(assetsOnly, { event_types: ["*"], kinds: ["asset"] });
		const asset = await deliverOk(eventBody({ type: "trade_receivables.asset_status_change", status: "pre_approved" }));
		const assignment = await deliverOk(
			eventBody({ type: "trade_receivables.assignment_status_change", status: "pending_payment" }),
		);
		const batch = await deliverOk(batchEvent());
		const ids = [asset.event_id, assignment.event_id, batch.event_id];
		await expect
			.poll(async () => sentOf(await trade.webhookIds(), ids), { timeout: 10_000 })
			.toEqual([asset.event_id, assignment.event_id].sort());
		await expect
			.poll(async () => sentOf(await batches.webhookIds(), ids), { timeout: 10_000 })
			.toEqual([batch.event_id]);
		await expect
			.poll(async () => sentOf(await assetsOnly.webhookIds(), ids), { timeout: 10_000 })
			.toEqual([asset.event_id]);
	});

	it("forwards stale events only to destinations that include them", async () => {
		const withStale = new PartnerEndpoint();
		const without = new PartnerEndpoint();
		await destinationFor(withStale, { include_stale: true, event_types: ["settlement.*"] });
		await destinationFor(without, { event_types: ["settlement.*"] });
		const key = crypto.randomUUID();
		const newer = await deliverOk(batchEvent("completed", key, "2024-04-23T15:09:00Z"));
		const older = await deliverOk(batchEvent("paid", key, "2024-04-23T15:08:00Z"));
		expect(older.result).toBe("stale");
		const ids = [newer.event_id, older.event_id];
		await expect
			.poll(async () => sentOf(await withStale.webhookIds(), ids), { timeout: 10_000 })
			.toEqual([...ids].sort());
		await expect
			.poll(async () => sentOf(await without.webhookIds(), ids), { timeout: 10_000 })
			.toEqual([newer.event_id]);
		const staleBody = (await withStale.received()).find((r) => r.headers["webhook-id"] === older.event_id);
		expect(JSON.parse(staleBody?.body ?? "{}")).toMatchObject({ applied: false, status: "paid" });
	});

	it("answers QI Tech 200 without waiting for forwarding, while the destination fails every attempt", async () => {
		const partner = new PartnerEndpoint();
		await partner.behave({ down: true, status: 503 });
		const destination = await destinationFor(partner);
		const answers = await Promise.all(Array.from({ length: 20 }, () => deliverOk(batchEvent())));
		expect(answers.every((a) => a.result === "accepted")).toBe(true);
		// Forwarding did run, and failed, after the answers: each delivery is retrying on its own.
		for (const { event_id } of answers) {
			await expect
				.poll(async () => (await deliveryRow(event_id, destination.id))?.last_status_code, { timeout: 10_000 })
				.toBe(503);
		}
	});

	it("disables a destination that has failed every attempt for the configured period, and says why", async () => {
		const partner = new PartnerEndpoint();
		await partner.behave({ down: true, status: 503 });
		const destination = await destinationFor(partner);
		await env.HISTORY.prepare("UPDATE destinations SET failing_since = ?, consecutive_failures = 40 WHERE id = ?")
			.bind(new Date(Date.now() - 2 * 86_400_000).toISOString(), destination.id)
			.run();
		const answer = await deliverOk(batchEvent());
		await expect
			.poll(async () => (await findDestination(env.HISTORY, destination.id))?.enabled, { timeout: 10_000 })
			.toBe(false);
		const disabled = await findDestination(env.HISTORY, destination.id);
		expect(disabled?.disabled_reason).toMatch(/disabled automatically: every attempt failed since/);
		await expect
			.poll(async () => (await deliveryRow(answer.event_id, destination.id))?.outcome, { timeout: 10_000 })
			.toBe("paused");
	});
});
