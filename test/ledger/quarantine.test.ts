/** Issue 11, section 2: one valid event cannot pin an entity; admins repair ledgers, audited. */
import { describe, expect, it } from "vitest";
import { eventBody } from "../../simulator/qitech/examples";
import { ADMIN_KEY, lookup, lookupOk, PARTNER_KEY } from "../api/partner-client";
import { deliveryRow, destinationFor, PartnerEndpoint } from "../support/partner";
import { deliverOk, historyRows } from "../support/webhook";

const type = "settlement.payment_batch_status_change";
const batch = (key: string, status: string, at: string) => eventBody({ type, key, status, at });
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

function admin(path: string, body?: unknown, key = ADMIN_KEY) {
	return lookup(path, { key, method: "POST", body });
}

async function entityOf(key: string) {
	return lookupOk<{
		entity: { status: string } | null;
		history: { event_id: string; status: string; result: string; anomaly: string | null; repair: unknown }[];
	}>(`/v1/entities/payment_batch/${key}`);
}

describe("an event dated far ahead of its arrival", () => {
	it("is quarantined: kept in history, answered 200, not applied, not forwarded, and later events apply", async () => {
		const partner = new PartnerEndpoint();
		const destination = await destinationFor(partner, { event_types: [type] });
		const key = crypto.randomUUID();
		const paid = await deliverOk(batch(key, "paid", inMinutes(-10)));
		const pinning = await deliverOk(batch(key, "completed", "9999-12-31T23:59:59Z"));
		expect(pinning).toMatchObject({ result: "quarantined", status: "paid" });
		const real = await deliverOk(batch(key, "discarded", inMinutes(-1)));
		expect(real).toMatchObject({ result: "accepted", status: "discarded" });

		const [row] = await historyRows([pinning.event_id]);
		expect(row).toMatchObject({ result: "quarantined", anomaly: "future_timestamp", status: "completed" });
		// Destinations see every later event of other tests too: look at this test's own.
		const ours = [paid.event_id, pinning.event_id, real.event_id];
		await expect
			.poll(async () => (await partner.webhookIds()).filter((id) => ours.includes(id)).sort(), { timeout: 10_000 })
			.toEqual([paid.event_id, real.event_id].sort());
		expect(await deliveryRow(pinning.event_id, destination.id)).toBeNull();
		expect((await deliverOk(batch(key, "completed", "9999-12-31T23:59:59Z"))).result).toBe("duplicate");
		const { entity, history } = await entityOf(key);
		expect(entity?.status).toBe("discarded");
		expect(history.find((e) => e.event_id === pinning.event_id)).toMatchObject({ result: "quarantined" });
	});

	it("within MAX_FUTURE_SKEW_SECONDS (300 by default) is applied as usual", async () => {
		const answer = await deliverOk(batch(crypto.randomUUID(), "paid", inMinutes(4)));
		expect(answer.result).toBe("accepted");
	});

	it("as an entity's first event leaves it without a state, but in its history", async () => {
		const key = crypto.randomUUID();
		const answer = await deliverOk(batch(key, "paid", inMinutes(60)));
		expect(answer).toMatchObject({ result: "quarantined", status: null });
		const { entity, history } = await entityOf(key);
		expect(entity).toBeNull();
		expect(history.map((e) => e.result)).toEqual(["quarantined"]);
	});
});

describe("admins repair a ledger", () => {
	it("release a quarantined event: judged now, applied, written over in D1 and forwarded", async () => {
		const partner = new PartnerEndpoint();
		await destinationFor(partner, { event_types: [type] });
		const key = crypto.randomUUID();
		const held = await deliverOk(batch(key, "paid", inMinutes(30)));
		const response = await admin(`/v1/entities/payment_batch/${key}/events/${held.event_id}/release`);
		expect(response.status).toBe(200);
		const { event, entity } = await response.json<{ event: Record<string, unknown>; entity: { status: string } }>();
		expect(event).toMatchObject({ result: "accepted", repair: { action: "release", by: "admin-1" } });
		expect(entity.status).toBe("paid");
		await expect
			.poll(async () => (await historyRows([held.event_id]))[0]?.result, { timeout: 10_000 })
			.toBe("accepted");
		await expect.poll(() => partner.webhookIds(), { timeout: 10_000 }).toContain(held.event_id);
		expect((await partner.webhookIds()).filter((id) => id === held.event_id)).toHaveLength(1);
		expect((await admin(`/v1/entities/payment_batch/${key}/events/${held.event_id}/release`)).status).toBe(409);
	});

	it("discard a quarantined event, with who and why, never forwarded", async () => {
		const key = crypto.randomUUID();
		const held = await deliverOk(batch(key, "paid", inMinutes(30)));
		const response = await admin(`/v1/entities/payment_batch/${key}/events/${held.event_id}/discard`, {
			reason: "QI Tech's clock was off",
		});
		expect(response.status).toBe(200);
		await expect
			.poll(async () => (await historyRows([held.event_id]))[0]?.result, { timeout: 10_000 })
			.toBe("discarded");
		const [row] = await historyRows([held.event_id]);
		expect(JSON.parse(row.repair ?? "null")).toMatchObject({
			action: "discard",
			by: "admin-1",
			reason: "QI Tech's clock was off",
		});
	});

	it("record a correction that repairs a pinned entity: applied in order, kept with who and why, forwarded", async () => {
		const partner = new PartnerEndpoint();
		await destinationFor(partner, { event_types: [type] });
		const key = crypto.randomUUID();
		// Four minutes ahead is within the skew: it pins the entity until then.
		await deliverOk(batch(key, "paid", inMinutes(4)));
		expect((await deliverOk(batch(key, "discarded", inMinutes(0)))).result).toBe("stale");
		const response = await admin(`/v1/entities/payment_batch/${key}/corrections`, {
			status: "completed",
			reason: "settled by phone with QI Tech",
		});
		expect(response.status).toBe(201);
		const { event } = await response.json<{ event: { event_id: string; sequence: number } }>();
		expect(event.sequence).toBe(3);
		expect((await entityOf(key)).entity?.status).toBe("completed");
		const later = await deliverOk(batch(key, "discarded", inMinutes(0.5)));
		expect(later).toMatchObject({ result: "accepted", status: "discarded" });

		const [row] = await historyRows([event.event_id]);
		expect(row).toMatchObject({ status: "completed", previous_status: "paid", signature_scheme: "admin" });
		expect(JSON.parse(row.repair ?? "null")).toMatchObject({ action: "correction", by: "admin-1" });
		await expect
			.poll(async () => (await partner.webhookIds()).includes(event.event_id), { timeout: 10_000 })
			.toBe(true);
		const sent = (await partner.received()).find((r) => r.headers["webhook-id"] === event.event_id);
		expect(JSON.parse(sent?.body ?? "{}")).toMatchObject({
			status: "completed",
			previous_status: "paid",
			sequence: 3,
			repair: { action: "correction", reason: "settled by phone with QI Tech" },
		});
	});

	it("refuse an unknown status, a missing event, and partner keys", async () => {
		const key = crypto.randomUUID();
		await deliverOk(batch(key, "paid", inMinutes(-1)));
		const path = `/v1/entities/payment_batch/${key}`;
		expect((await admin(`${path}/corrections`, { status: "teleported", reason: "x" })).status).toBe(400);
		expect((await admin(`${path}/events/${"0".repeat(64)}/release`)).status).toBe(404);
		expect((await admin(`${path}/corrections`, { status: "completed", reason: "x" }, PARTNER_KEY)).status).toBe(403);
	});
});
