/** Issue 11, section 4: a delivery goes where it was told, and nowhere else, and is never stranded. */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { eventBody } from "../../simulator/qitech/examples";
import worker from "../../src/index";
import { newSecret } from "../../src/notifications/standard-webhooks";
import { seal } from "../../src/secrets";
import { settingsOf } from "../../src/settings";
import { ADMIN_KEY, lookupWith } from "../api/partner-client";
import { consume, entityAfter, recordedEvent } from "../support/consumer";
import { FlakyQueue } from "../support/faults";
import { deliveryRow, destinationFor, PartnerEndpoint } from "../support/partner";
import { deliverOk } from "../support/webhook";

const batchEvent = () => eventBody({ type: "settlement.payment_batch_status_change", status: "paid" });

async function outcomeOf(eventId: string, destinationId: string, outcome: string) {
	await expect
		.poll(async () => (await deliveryRow(eventId, destinationId))?.outcome, { timeout: 10_000 })
		.toBe(outcome);
	return deliveryRow(eventId, destinationId);
}

describe("redirects", () => {
	it.each([301, 307, 308])("a %i is a failed attempt with its status, never followed", async (status) => {
		const partner = new PartnerEndpoint();
		const elsewhere = new PartnerEndpoint();
		await partner.behave({ redirectTo: elsewhere.url, status });
		const destination = await destinationFor(partner);
		const answer = await deliverOk(batchEvent());
		const row = await outcomeOf(answer.event_id, destination.id, "failed");
		expect(row).toMatchObject({ attempts: 1, last_status_code: status });
		expect(row?.last_error).toMatch(/redirect to partner\.example not followed/);
		expect(await elsewhere.received()).toEqual([]);
	});
});

describe("the destination URL, checked again at send time", () => {
	it("refuses to send to a special-purpose address stored before the rules were tightened", async () => {
		const partner = new PartnerEndpoint();
		const id = `dst_${crypto.randomUUID().replaceAll("-", "")}`;
		const now = new Date().toISOString();
		await env.HISTORY.prepare(
			`INSERT INTO destinations (id, url, event_types, kinds, enabled, include_stale, secret, created_at, updated_at)
			 VALUES (?, ?, '["*"]', NULL, 1, 0, ?, ?, ?)`,
		)
			.bind(id, `https://[64:ff9b::a9fe:a9fe]${partner.path}`, await sealedSecret(id), now, now)
			.run();
		const answer = await deliverOk(batchEvent());
		const row = await outcomeOf(answer.event_id, id, "failed");
		expect(row).toMatchObject({ attempts: 1, last_status_code: null });
		expect(row?.last_error).toMatch(/^not sent: the destination URL points at a special-purpose address/);
		expect(await partner.received()).toEqual([]);
	});
});

describe("no delivery stranded pending", () => {
	it("re-enqueues, from the Cron Trigger's sweep, deliveries whose enqueue failed", async () => {
		const partner = new PartnerEndpoint();
		await partner.behave({ failTimes: 1, status: 410 });
		const destination = await destinationFor(partner, { event_types: ["settlement.*"] });
		const answer = await deliverOk(batchEvent());
		await outcomeOf(answer.event_id, destination.id, "failed");

		// The replay reopens the row, then the Queue refuses the message.
		const refusing = new FlakyQueue(env.DELIVERIES_QUEUE, 100);
		const replay = await lookupWith(
			{ DELIVERIES_QUEUE: refusing },
			`/v1/destinations/${destination.id}/replay-failed`,
			{
				key: ADMIN_KEY,
				method: "POST",
			},
		);
		expect(replay.status).toBe(503);
		expect(await replay.json()).toMatchObject({
			error: { code: "unavailable", message: /will be sent within 6 minutes/ },
		});
		expect((await deliveryRow(answer.event_id, destination.id))?.outcome).toBe("pending");

		// A minute's sweep before the delivery is stale leaves it; one past the threshold sends it.
		const sweep = async (at: number) => {
			const ctx = createExecutionContext();
			await worker.scheduled(createScheduledController({ scheduledTime: at }), env, ctx);
			await waitOnExecutionContext(ctx);
		};
		await sweep(Date.now() + 60_000);
		expect((await deliveryRow(answer.event_id, destination.id))?.outcome).toBe("pending");
		await sweep(Date.now() + 6 * 60_000);
		await outcomeOf(answer.event_id, destination.id, "delivered");
	});

	it("sends, from the sweep, the deliveries of new events whose enqueue failed after the history was written", async () => {
		const partner = new PartnerEndpoint();
		const destination = await destinationFor(partner, { event_types: ["settlement.*"] });
		const type = "settlement.payment_batch_status_change";
		const event = recordedEvent({ type, kind: "payment_batch", status: "paid" });
		const payload = eventBody({ type, key: event.key, status: event.status, at: event.occurred_at });
		const notification = { event, payload, entity: entityAfter(event) };
		const refusing = new FlakyQueue(env.DELIVERIES_QUEUE, 100);
		const result = await consume([notification], { ...env, DELIVERIES_QUEUE: refusing });
		expect(refusing.calls).toBeGreaterThan(0);
		expect(result.retryMessages).toHaveLength(1);
		expect((await deliveryRow(event.event_id, destination.id))?.outcome).toBe("pending");

		const ctx = createExecutionContext();
		await worker.scheduled(createScheduledController({ scheduledTime: Date.now() + 6 * 60_000 }), env, ctx);
		await waitOnExecutionContext(ctx);
		await outcomeOf(event.event_id, destination.id, "delivered");
		expect(await partner.received()).toHaveLength(1);
	});

	it("re-enqueues stranded deliveries of a destination when an admin replays its failed ones", async () => {
		const partner = new PartnerEndpoint();
		const destination = await destinationFor(partner, { event_types: ["settlement.*"] });
		const answer = await deliverOk(batchEvent());
		await outcomeOf(answer.event_id, destination.id, "delivered");
		const long = new Date(Date.now() - 3_600_000).toISOString();
		await env.HISTORY.prepare(
			"UPDATE deliveries SET outcome = 'pending', updated_at = ?, next_attempt_at = NULL WHERE event_id = ? AND destination_id = ?",
		)
			.bind(long, answer.event_id, destination.id)
			.run();
		const replay = await lookupWith({}, `/v1/destinations/${destination.id}/replay-failed`, {
			key: ADMIN_KEY,
			method: "POST",
		});
		expect(await replay.json()).toEqual({ enqueued: 1 });
	});
});

/** A secret sealed as the receiver seals it, for a row written by hand. */
function sealedSecret(id: string): Promise<string> {
	return seal(settingsOf(env), newSecret(), `destination-secret:${id}`);
}
