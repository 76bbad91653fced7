/** Issue 14: contract drift and quarantined events raise alerts; alerts reach destinations as ops events. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { eventBody } from "../../simulator/qitech/examples";
import { raise } from "../../src/alerts/lifecycle";
import { runSweeps, SWEEPS } from "../../src/sweeps";
import { ADMIN_KEY, lookup } from "../api/partner-client";
import { destinationFor, PartnerEndpoint } from "../support/partner";
import { deliverOk, historyRows } from "../support/webhook";

const type = "settlement.payment_batch_status_change";

async function liveAlert(fingerprint: string) {
	return env.HISTORY.prepare("SELECT * FROM alerts WHERE fingerprint = ? AND status != 'resolved'")
		.bind(fingerprint)
		.first<{ id: string; count: number; details: string; status: string }>();
}

async function waitForAlert(fingerprint: string, count = 1) {
	await expect.poll(async () => (await liveAlert(fingerprint))?.count ?? 0, { timeout: 10_000 }).toBe(count);
	const alert = await liveAlert(fingerprint);
	return { ...alert, details: JSON.parse(alert?.details ?? "{}") as Record<string, unknown> };
}

const sweep = (names: string[]) =>
	runSweeps(
		env,
		new Date(),
		SWEEPS.filter((s) => names.includes(s.name)),
	);

describe("contract drift", () => {
	it("opens one alert for a field QI Tech's examples do not have, with an example, and counts three events on it", async () => {
		const field = `field_${crypto.randomUUID().slice(0, 8)}`;
		const ids: string[] = [];
		for (let i = 0; i < 3; i++) {
			ids.push((await deliverOk(eventBody({ type, status: "paid", extra: { [field]: i } }))).event_id);
		}
		await historyRows(ids);
		const alert = await waitForAlert(`contract.new_field:${type}:data.${field}`, 3);
		expect(alert.details).toMatchObject({ type, field: `data.${field}` });
		expect(ids).toContain(alert.details.example_event_id);
	});

	it("opens its own alert for a new type and for a new status", async () => {
		const newType = `baas.brand_new_${crypto.randomUUID().slice(0, 8)}`;
		const unknown = await deliverOk(
			JSON.stringify({ webhook_type: newType, webhook_datetime: "2024-04-23T15:08:30Z", data: { id: 1 } }),
		);
		expect((await waitForAlert(`contract.new_type:${newType}`)).details.example_event_id).toBe(unknown.event_id);
		const status = `teleported_${crypto.randomUUID().slice(0, 8)}`;
		await deliverOk(eventBody({ type, status }));
		expect((await waitForAlert(`contract.new_status:${type}:${status}`)).details).toMatchObject({ status });
	});

	it("opens an alert for a move the documented flows do not allow", async () => {
		const key = crypto.randomUUID();
		await deliverOk(eventBody({ type, key, status: "completed", at: "2024-04-23T15:08:30Z" }));
		await deliverOk(eventBody({ type, key, status: "paid", at: "2024-04-23T15:09:30Z" }));
		await waitForAlert("contract.unexpected_transition:payment_batch:completed->paid");
	});

	it("resolves, by the sweep, drift the catalog documents", async () => {
		// As if raised by an older deploy whose catalog lacked this field: today's knows it.
		await raise(env, [
			{ kind: "contract.new_field", subject: `${type}:data.status`, details: { type, field: "data.status" } },
		]);
		expect(await liveAlert(`contract.new_field:${type}:data.status`)).not.toBeNull();
		await sweep(["alerts.contract_drift"]);
		expect(await liveAlert(`contract.new_field:${type}:data.status`)).toBeNull();
	});
});

describe("quarantined events", () => {
	it("open an alert per entity, resolved by the sweep once an admin released the event", async () => {
		const key = crypto.randomUUID();
		const held = await deliverOk(eventBody({ type, key, status: "paid", at: "2099-01-01T00:00:00Z" }));
		const alert = await waitForAlert(`ingestion.quarantined:payment_batch:${key}`);
		expect(alert.details).toMatchObject({ example_event_id: held.event_id, occurred_at: "2099-01-01T00:00:00.000Z" });
		await sweep(["alerts.quarantine"]);
		expect(await liveAlert(`ingestion.quarantined:payment_batch:${key}`)).not.toBeNull();

		const release = await lookup(`/v1/entities/payment_batch/${key}/events/${held.event_id}/discard`, {
			key: ADMIN_KEY,
			method: "POST",
			body: { reason: "a test" },
		});
		expect(release.status).toBe(200);
		await expect
			.poll(async () => (await historyRows([held.event_id]))[0]?.result, { timeout: 10_000 })
			.toBe("discarded");
		await sweep(["alerts.quarantine"]);
		expect(await liveAlert(`ingestion.quarantined:payment_batch:${key}`)).toBeNull();
	});
});

describe("alerts as operational events", () => {
	it("reach, signed, the destinations that subscribe to ops.*, opened and resolved, and no other", async () => {
		const ops = new PartnerEndpoint();
		const everything = new PartnerEndpoint();
		const destination = await destinationFor(ops, { event_types: ["ops.*"] });
		await destinationFor(everything, { event_types: ["*"] });
		const subject = `test-${crypto.randomUUID()}`;
		await raise(env, [{ kind: "ingestion.not_ready", subject, details: { result: "not bound" } }]);
		const { resolve } = await import("../../src/alerts/lifecycle");
		await resolve(env, [`ingestion.not_ready:${subject}`]);
		const mine = async (partner: PartnerEndpoint) =>
			(await partner.verifiedBodies(destination.secret).catch(() => [] as unknown[])).filter(
				(b) => (b as { alert?: { subject?: string } }).alert?.subject === subject,
			);
		await expect.poll(async () => (await mine(ops)).length, { timeout: 10_000 }).toBe(2);
		expect((await mine(ops)).map((b) => (b as { type: string; change: string }).change).sort()).toEqual([
			"opened",
			"resolved",
		]);
		expect((await ops.received()).every((r) => r.headers["webhook-id"].startsWith("ops:"))).toBe(true);
		const all = (await everything.received()).map((r) => JSON.parse(r.body) as { alert?: { subject?: string } });
		expect(all.filter((b) => b.alert?.subject === subject)).toEqual([]);
	});
});
