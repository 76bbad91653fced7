/** Issue 15: in order per entity, filtered by content, paced, thin or full. */
import { describe, expect, it } from "vitest";
import { eventBody, mainPath, typeOf } from "../../simulator/qitech/examples";
import { eventIdOf } from "../../src/catalog/event";
import type { EventNotification } from "../../src/model";
import { ADMIN_KEY, lookup } from "../api/partner-client";
import { consume, entityAfter, recordedEvent } from "../support/consumer";
import { deliveryRow, destinationFor, PartnerEndpoint, type Received } from "../support/partner";
import { deliverOk, historyRows } from "../support/webhook";

const start = Date.parse("2024-04-23T15:00:00Z");
const at = (second: number) => new Date(start + second * 1000).toISOString();

interface Sent {
	id: string;
	entity: { kind: string; key: string };
	sequence: number;
	previous_status: string | null;
	data?: unknown;
	lookup?: string;
}

/** An event as its ledger sends it, put on the events Queue's consumer directly (in the order a test wants). */
function notification(key: string, status: string, sequence: number, previous: string | null): EventNotification {
	const type = "settlement.payment_batch_status_change";
	const occurred_at = at(sequence);
	const event = recordedEvent({
		type,
		kind: "payment_batch",
		key,
		status,
		previous_status: previous,
		occurred_at,
		sequence,
	});
	return { event, payload: eventBody({ type, key, status, at: occurred_at }), entity: entityAfter(event) };
}

const bodies = (received: Received[]) => received.map((r) => JSON.parse(r.body) as Sent);
const ok = (received: Received[], ids: string[]) => received.filter((r) => ids.includes(r.headers["webhook-id"]));
const outcomesOf = (ids: string[], destinationId: string) =>
	Promise.all(ids.map(async (id) => (await deliveryRow(id, destinationId))?.outcome));

/** Sends each asset's documented path, the assets interleaved, one event at a time. */
async function assets(count: number) {
	const keys = Array.from({ length: count }, () => crypto.randomUUID());
	const path = mainPath("asset");
	const ids: string[] = [];
	for (const [step, status] of path.entries()) {
		for (const key of keys) {
			ids.push((await deliverOk(eventBody({ type: typeOf("asset", status), key, status, at: at(step) }))).event_id);
		}
	}
	return { keys, ids, steps: path.length };
}

describe("ordered per entity", () => {
	it("sends each entity's events in the ledger's order to a destination failing every first attempt, while an unordered one gets them at once", async () => {
		const ordered = new PartnerEndpoint();
		const unordered = new PartnerEndpoint();
		await ordered.behave({ failFirstOf: true });
		await destinationFor(ordered, { ordering: "entity", event_types: ["trade_receivables.*"] });
		await destinationFor(unordered, { event_types: ["trade_receivables.*"] });
		const { keys, ids, steps } = await assets(3);

		await expect.poll(async () => ok(await ordered.received(), ids).length, { timeout: 20_000 }).toBe(ids.length * 2);
		const received = bodies(ok(await ordered.received(), ids));
		for (const key of keys) {
			const sequences = received.filter((b) => b.entity.key === key).map((b) => b.sequence);
			// Each event twice (refused, then accepted), never a later one before an earlier one is through.
			expect(sequences).toEqual(Array.from({ length: steps }, (_, i) => [i + 1, i + 1]).flat());
		}
		const fast = ok(await unordered.received(), ids);
		expect(fast).toHaveLength(ids.length);
		const lastOrdered = Math.max(...ok(await ordered.received(), ids).map((r) => r.at));
		expect(Math.max(...fast.map((r) => r.at))).toBeLessThan(lastOrdered);
	});

	it("holds back only the entity whose event is refused: another entity's events to the same destination go meanwhile, in order", async () => {
		const partner = new PartnerEndpoint();
		const destination = await destinationFor(partner, { ordering: "entity", event_types: ["trade_receivables.*"] });
		const statuses = mainPath("asset").slice(0, 3);
		const event = (key: string, step: number) =>
			eventBody({ type: typeOf("asset", statuses[step]), key, status: statuses[step], at: at(step) });
		const [a, b] = [crypto.randomUUID(), crypto.randomUUID()];
		const firstOfA = await eventIdOf(typeOf("asset", statuses[0]), `asset:${a}`, statuses[0], at(0));
		// Refused with a Retry-After, so A's first event is retried every 3 s, not used up before B is through.
		await partner.behave({ failIds: [firstOfA], retryAfter: 3 });
		const ids: Record<string, string[]> = { [a]: [], [b]: [] };
		for (const step of statuses.keys()) {
			for (const key of [a, b]) ids[key].push((await deliverOk(event(key, step))).event_id);
		}
		expect(ids[a][0]).toBe(firstOfA);
		const sentOf = async (key: string) => bodies(ok(await partner.received(), ids[key])).map((body) => body.sequence);

		await expect.poll(() => sentOf(b), { timeout: 10_000 }).toEqual([1, 2, 3]);
		await expect.poll(() => sentOf(a), { timeout: 10_000 }).toContain(1);
		// B went through while A's first event was refused; nothing later of A was sent meanwhile.
		expect(new Set(await sentOf(a))).toEqual(new Set([1]));
		expect(await outcomesOf(ids[a], destination.id)).toEqual(["pending", "blocked", "blocked"]);

		await partner.behave({});
		await expect.poll(async () => (await sentOf(a)).slice(-3), { timeout: 15_000 }).toEqual([1, 2, 3]);
		expect((await sentOf(a)).slice(0, -3).every((sequence) => sequence === 1)).toBe(true);
		expect(await outcomesOf(ids[a], destination.id)).toEqual(["delivered", "delivered", "delivered"]);
	});

	it("waits for an earlier event that reaches the history after a later one", async () => {
		const partner = new PartnerEndpoint();
		const destination = await destinationFor(partner, { ordering: "entity", event_types: ["settlement.*"] });
		const key = crypto.randomUUID();
		const [paid, completed] = [notification(key, "paid", 1, null), notification(key, "completed", 2, "paid")];
		await consume([completed]);
		await expect
			.poll(async () => (await deliveryRow(completed.event.event_id, destination.id))?.outcome, { timeout: 10_000 })
			.toBe("blocked");
		expect(await partner.received()).toEqual([]);
		await consume([paid]);
		const ids = [paid.event.event_id, completed.event.event_id];
		await expect.poll(async () => ok(await partner.received(), ids).length, { timeout: 10_000 }).toBe(2);
		expect(bodies(ok(await partner.received(), ids)).map((b) => b.sequence)).toEqual([1, 2]);
	});

	it("lets a dead predecessor unblock the next, and replays it later with its original sequence", async () => {
		const partner = new PartnerEndpoint();
		const destination = await destinationFor(partner, { ordering: "entity", event_types: ["settlement.*"] });
		const key = crypto.randomUUID();
		const type = "settlement.payment_batch_status_change";
		// The first event always fails until it is dead; the second waits for it, then goes.
		const paidBody = eventBody({ type, key, status: "paid", at: at(0) });
		await partner.behave({ failIds: [await eventIdOf(type, `payment_batch:${key}`, "paid", at(0))] });
		const first = await deliverOk(paidBody);
		const second = await deliverOk(eventBody({ type, key, status: "completed", at: at(1) }));
		await expect
			.poll(async () => (await deliveryRow(second.event_id, destination.id))?.outcome, { timeout: 20_000 })
			.toBe("delivered");
		expect((await deliveryRow(first.event_id, destination.id))?.outcome).toBe("dead");
		const beforeReplay = ok(await partner.received(), [first.event_id, second.event_id]);
		expect(
			Math.max(...beforeReplay.filter((r) => r.headers["webhook-id"] === first.event_id).map((r) => r.at)),
		).toBeLessThan(
			Math.min(...beforeReplay.filter((r) => r.headers["webhook-id"] === second.event_id).map((r) => r.at)),
		);

		await partner.behave({});
		const replay = await lookup(`/v1/destinations/${destination.id}/replay-failed`, {
			key: ADMIN_KEY,
			method: "POST",
		});
		expect(replay.status).toBe(202);
		await expect
			.poll(async () => (await deliveryRow(first.event_id, destination.id))?.outcome, { timeout: 10_000 })
			.toBe("delivered");
		const after = bodies(ok(await partner.received(), [first.event_id, second.event_id]));
		expect(after.at(-1)).toMatchObject({ id: first.event_id, sequence: 1, previous_status: null });
		expect(after.filter((b) => b.id === second.event_id)).toHaveLength(1);
	});
});

describe("every delivery", () => {
	it("carries the entity's sequence and previous status, ordered or not; a thin one carries no payload but a link", async () => {
		const full = new PartnerEndpoint();
		const thin = new PartnerEndpoint();
		await destinationFor(full, { event_types: ["settlement.*"] });
		await destinationFor(thin, { event_types: ["settlement.*"], payload: "thin" });
		const key = crypto.randomUUID();
		const type = "settlement.payment_batch_status_change";
		const ids = [
			(await deliverOk(eventBody({ type, key, status: "paid", at: at(0) }))).event_id,
			(await deliverOk(eventBody({ type, key, status: "completed", at: at(1) }))).event_id,
		];
		for (const partner of [full, thin]) {
			await expect.poll(async () => ok(await partner.received(), ids).length, { timeout: 10_000 }).toBe(2);
		}
		const sorted = (list: Sent[]) => [...list].sort((a, b) => a.sequence - b.sequence);
		const [paid, completed] = sorted(bodies(ok(await full.received(), ids)));
		expect([paid.sequence, paid.previous_status, completed.sequence, completed.previous_status]).toEqual([
			1,
			null,
			2,
			"paid",
		]);
		expect(paid.data).toMatchObject({ data: { external_id: key } });
		const [thinPaid] = sorted(bodies(ok(await thin.received(), ids)));
		expect(thinPaid).not.toHaveProperty("data");
		expect(thinPaid).toMatchObject({ sequence: 1, lookup: `/v1/events/${thinPaid.id}` });
		expect(JSON.stringify(thinPaid)).not.toContain("60.910.091/0001-24");
	});
});

describe("filtered by content", () => {
	it("delivers only what the filter matches: paid settlement batches only", async () => {
		const partner = new PartnerEndpoint();
		const destination = await destinationFor(partner, {
			event_types: ["*"],
			filter: { type: "settlement.payment_batch_status_change", data: { data: { status: "paid" } } },
		});
		const key = crypto.randomUUID();
		const type = "settlement.payment_batch_status_change";
		const paid = await deliverOk(eventBody({ type, key, status: "paid", at: at(0) }));
		const completed = await deliverOk(eventBody({ type, key, status: "completed", at: at(1) }));
		const asset = await deliverOk(eventBody({ type: "trade_receivables.asset_status_change", status: "paid" }));
		const ids = [paid.event_id, completed.event_id, asset.event_id];
		await expect.poll(async () => ok(await partner.received(), ids).length, { timeout: 10_000 }).toBe(1);
		expect(ok(await partner.received(), ids)[0].headers["webhook-id"]).toBe(paid.event_id);
		// Dropped events are not deliveries at all.
		expect(await deliveryRow(completed.event_id, destination.id)).toBeNull();
		expect(await deliveryRow(asset.event_id, destination.id)).toBeNull();
	});

	it("applies a filter change to new events only: an event it dropped before stays without a delivery", async () => {
		const partner = new PartnerEndpoint();
		const type = "settlement.payment_batch_status_change";
		const destination = await destinationFor(partner, {
			event_types: ["settlement.*"],
			filter: { data: { data: { status: "completed" } } },
		});
		const dropped = await deliverOk(eventBody({ type, status: "paid" }));
		await historyRows([dropped.event_id]);
		expect(await deliveryRow(dropped.event_id, destination.id)).toBeNull();

		const changed = await lookup(`/v1/destinations/${destination.id}`, {
			key: ADMIN_KEY,
			method: "PATCH",
			body: { filter: { data: { data: { status: "paid" } } } },
		});
		expect(changed.status).toBe(200);
		const matching = await deliverOk(eventBody({ type, status: "paid" }));
		await expect
			.poll(async () => (await deliveryRow(matching.event_id, destination.id))?.outcome, { timeout: 10_000 })
			.toBe("delivered");
		expect(await deliveryRow(dropped.event_id, destination.id)).toBeNull();
		expect(await partner.webhookIds()).toEqual([matching.event_id]);
	});

	it("refuses a filter with an unknown operator when it is saved, naming it", async () => {
		const response = await lookup("/v1/destinations", {
			key: ADMIN_KEY,
			method: "POST",
			body: { url: new PartnerEndpoint().url, event_types: ["*"], filter: { data: { amount: { $regex: "^1" } } } },
		});
		expect(response.status).toBe(400);
		expect(JSON.stringify(await response.json())).toContain("unknown operator $regex at data.amount");
	});
});

describe("paced", () => {
	it("takes at least 9 seconds for 50 events to a destination limited to 5 per second, and fails none", async () => {
		const partner = new PartnerEndpoint();
		const destination = await destinationFor(partner, { event_types: ["settlement.*"], max_per_second: 5 });
		const type = "settlement.payment_batch_status_change";
		const ids = await Promise.all(
			Array.from({ length: 50 }, async () => (await deliverOk(eventBody({ type, status: "paid" }))).event_id),
		);
		await expect
			.poll(async () => ok(await partner.received(), ids).length, { timeout: 30_000, interval: 500 })
			.toBe(50);
		const times = ok(await partner.received(), ids).map((r) => r.at);
		expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(9_000);
		for (const id of ids) {
			expect(await deliveryRow(id, destination.id)).toMatchObject({ outcome: "delivered", attempts: 1 });
		}
	}, 45_000);

	it("keeps one attempt in flight at a slow partner with max_in_flight 1, and delays the others without failing any", async () => {
		const partner = new PartnerEndpoint();
		await partner.behave({ holdMs: 300 });
		const destination = await destinationFor(partner, { event_types: ["settlement.*"], max_in_flight: 1 });
		const type = "settlement.payment_batch_status_change";
		const ids = await Promise.all(
			Array.from({ length: 6 }, async () => (await deliverOk(eventBody({ type, status: "paid" }))).event_id),
		);
		await expect
			.poll(() => outcomesOf(ids, destination.id), { timeout: 20_000, interval: 500 })
			.toEqual(ids.map(() => "delivered"));
		const received = ok(await partner.received(), ids);
		expect(received.map((r) => r.in_flight)).toEqual(ids.map(() => 1));
		for (const id of ids) expect(await deliveryRow(id, destination.id)).toMatchObject({ attempts: 1 });
	});

	it.each([429, 503])(
		"waits out a %i's Retry-After on a destination with max_per_second, then delivers",
		async (status) => {
			const partner = new PartnerEndpoint();
			await partner.behave({ failTimes: 1, status, retryAfter: 2 });
			const destination = await destinationFor(partner, { event_types: ["settlement.*"], max_per_second: 5 });
			const answer = await deliverOk(eventBody({ type: "settlement.payment_batch_status_change", status: "paid" }));
			await expect
				.poll(async () => (await deliveryRow(answer.event_id, destination.id))?.outcome, { timeout: 10_000 })
				.toBe("delivered");
			const [refused, accepted, ...more] = ok(await partner.received(), [answer.event_id]);
			expect(more).toEqual([]);
			// The pace alone would let the retry go at once (a full bucket of 5); the partner asked for 2 s.
			expect(accepted.at - refused.at).toBeGreaterThanOrEqual(2_000);
			expect(await deliveryRow(answer.event_id, destination.id)).toMatchObject({ attempts: 2, last_status_code: 200 });
		},
	);
});
