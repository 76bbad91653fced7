import { describe, expect, it } from "vitest";
import { eventBody } from "../../simulator/qitech/examples";
import { checkDestinationUrl } from "../../src/notifications/destination-url";
import { ADMIN_KEY, lookup, lookupOk, PARTNER_KEY } from "../api/partner-client";
import { deliveryRow, PartnerEndpoint } from "../support/partner";
import { deliverOk } from "../support/webhook";

async function createDestination(body: Record<string, unknown>) {
	const response = await lookup("/v1/destinations", { key: ADMIN_KEY, method: "POST", body });
	expect(response.status).toBe(201);
	return response.json<{ id: string; secret: string; enabled: boolean }>();
}

const batchEvent = (status = "paid") => eventBody({ type: "settlement.payment_batch_status_change", status });

describe("managing destinations (admin API)", () => {
	it("creates a destination, shows its secret once, and lists it without the secret", async () => {
		const partner = new PartnerEndpoint();
		const created = await createDestination({ url: partner.url, event_types: ["settlement.*"] });
		expect(created.secret).toMatch(/^whsec_/);
		const listed = await lookupOk<{ data: Record<string, unknown>[] }>("/v1/destinations", { key: ADMIN_KEY });
		const mine = listed.data.find((d) => d.id === created.id);
		expect(mine).toMatchObject({
			url: partner.url,
			event_types: ["settlement.*"],
			enabled: true,
			include_stale: false,
		});
		expect(mine).not.toHaveProperty("secret");
		const one = await lookupOk(`/v1/destinations/${created.id}`, { key: ADMIN_KEY });
		expect(one).not.toHaveProperty("secret");
		expect(one.health).toMatchObject({ consecutive_failures: 0, last_success_at: null });
	});

	it("rotates the secret: the new one is shown once and signs what follows", async () => {
		const partner = new PartnerEndpoint();
		const created = await createDestination({ url: partner.url, event_types: ["settlement.*"] });
		const rotated = await (
			await lookup(`/v1/destinations/${created.id}`, { key: ADMIN_KEY, method: "PATCH", body: { rotate_secret: true } })
		).json<{
			secret: string;
		}>();
		expect(rotated.secret).toMatch(/^whsec_/);
		expect(rotated.secret).not.toBe(created.secret);
		const answer = await deliverOk(batchEvent());
		await expect
			.poll(async () => (await partner.webhookIds()).includes(answer.event_id), { timeout: 10_000 })
			.toBe(true);
		await expect(partner.verifiedBodies(rotated.secret)).resolves.toBeTruthy();
	});

	it("refuses partner keys on admin routes with 403, and unknown keys with 401", async () => {
		expect((await lookup("/v1/destinations", { key: PARTNER_KEY })).status).toBe(403);
		expect(
			(
				await lookup("/v1/destinations", {
					key: PARTNER_KEY,
					method: "POST",
					body: { url: "https://x.example/h", event_types: ["*"] },
				})
			).status,
		).toBe(403);
		const response = await lookup("/v1/destinations", { key: "not-a-key" });
		expect(response.status).toBe(401);
		expect(await response.json()).toMatchObject({ error: { code: "unauthorized" } });
	});

	it.each([
		["http://partner.example/hook", "plain http"],
		["https://127.0.0.1/hook", "loopback"],
		["https://10.1.2.3/hook", "private range"],
		["https://192.168.0.10/hook", "private range"],
		["https://169.254.169.254/latest/meta-data", "cloud metadata"],
		["https://[::1]/hook", "IPv6 loopback"],
		["https://[fd00::1]/hook", "IPv6 unique local"],
		["https://[::ffff:10.0.0.1]/hook", "IPv4-mapped private"],
		["https://localhost/hook", "localhost"],
		["https://metadata.google.internal/", "metadata host"],
		["https://2130706433/hook", "loopback in decimal"],
	])("refuses %s (%s) with 400 invalid_request", async (url) => {
		const response = await lookup("/v1/destinations", {
			key: ADMIN_KEY,
			method: "POST",
			body: { url, event_types: ["*"] },
		});
		expect(response.status).toBe(400);
		expect(await response.json()).toMatchObject({ error: { code: "invalid_request" } });
	});

	it("allows http://localhost and 127.0.0.1 only with ALLOW_INSECURE_DESTINATIONS, never private ranges", () => {
		expect(() => checkDestinationUrl("http://localhost:9000/hook", false)).toThrow();
		expect(checkDestinationUrl("http://localhost:9000/hook", true).port).toBe("9000");
		expect(checkDestinationUrl("http://127.0.0.1:8080/hook", true).hostname).toBe("127.0.0.1");
		expect(() => checkDestinationUrl("http://10.0.0.5/hook", true)).toThrow();
		expect(() => checkDestinationUrl("http://192.168.1.1/hook", true)).toThrow();
	});

	it("replays a dead-lettered delivery once the destination recovers, with the same webhook-id", async () => {
		const partner = new PartnerEndpoint();
		await partner.behave({ down: true, status: 500 });
		const destination = await createDestination({ url: partner.url, event_types: ["settlement.*"] });
		const answer = await deliverOk(batchEvent());
		await expect
			.poll(async () => (await deliveryRow(answer.event_id, destination.id))?.outcome, { timeout: 15_000 })
			.toBe("dead");
		await partner.behave({});
		const replay = await lookup(`/v1/destinations/${destination.id}/replay-failed`, { key: ADMIN_KEY, method: "POST" });
		expect(replay.status).toBe(202);
		expect(await replay.json()).toEqual({ enqueued: 1 });
		await expect
			.poll(async () => (await deliveryRow(answer.event_id, destination.id))?.outcome, { timeout: 10_000 })
			.toBe("delivered");
		const ids = (await partner.webhookIds()).filter((id) => id === answer.event_id);
		expect(ids).toHaveLength(6);
	});

	it("holds events while a destination is disabled and delivers them when it is enabled again", async () => {
		const partner = new PartnerEndpoint();
		const destination = await createDestination({ url: partner.url, event_types: ["settlement.*"], enabled: false });
		const answer = await deliverOk(batchEvent());
		await expect
			.poll(async () => (await deliveryRow(answer.event_id, destination.id))?.outcome, { timeout: 10_000 })
			.toBe("paused");
		expect(await partner.webhookIds()).toEqual([]);
		expect(
			(await lookup(`/v1/destinations/${destination.id}`, { key: ADMIN_KEY, method: "PATCH", body: { enabled: true } }))
				.status,
		).toBe(200);
		await expect.poll(async () => await partner.webhookIds(), { timeout: 10_000 }).toContain(answer.event_id);
	});

	it("lists an event's deliveries for a partner and redelivers it for an admin with the same webhook-id", async () => {
		const partner = new PartnerEndpoint();
		const destination = await createDestination({ url: partner.url, event_types: ["settlement.*"] });
		const answer = await deliverOk(batchEvent());
		await expect
			.poll(async () => (await deliveryRow(answer.event_id, destination.id))?.outcome, { timeout: 10_000 })
			.toBe("delivered");
		const listed = await lookupOk<{
			data: { destination_id: string; outcome: string; attempts: number }[];
		}>(`/v1/events/${answer.event_id}/deliveries`, { key: PARTNER_KEY });
		expect(listed.data.find((d) => d.destination_id === destination.id)).toMatchObject({
			outcome: "delivered",
			attempts: 1,
		});
		expect((await lookup(`/v1/events/${answer.event_id}/redeliver`, { key: PARTNER_KEY, method: "POST" })).status).toBe(
			403,
		);
		const redelivered = await lookup(`/v1/events/${answer.event_id}/redeliver`, { key: ADMIN_KEY, method: "POST" });
		expect(redelivered.status).toBe(202);
		await expect
			.poll(async () => (await partner.webhookIds()).filter((id) => id === answer.event_id).length, { timeout: 10_000 })
			.toBe(2);
		expect((await lookup("/v1/events/no-such-event/deliveries", { key: PARTNER_KEY })).status).toBe(404);
	});

	it("redelivers to one destination when told which", async () => {
		const [first, second] = [new PartnerEndpoint(), new PartnerEndpoint()];
		const chosen = await createDestination({ url: first.url, event_types: ["settlement.*"] });
		const other = await createDestination({ url: second.url, event_types: ["settlement.*"] });
		const answer = await deliverOk(batchEvent());
		for (const id of [chosen.id, other.id]) {
			await expect.poll(async () => (await deliveryRow(answer.event_id, id))?.outcome).toBe("delivered");
		}
		const path = `/v1/events/${answer.event_id}/redeliver?destination_id=${chosen.id}`;
		expect(await (await lookup(path, { key: ADMIN_KEY, method: "POST" })).json()).toEqual({ enqueued: 1 });
		await expect.poll(async () => (await first.webhookIds()).length, { timeout: 10_000 }).toBe(2);
		expect(await second.webhookIds()).toEqual([answer.event_id]);
	});

	it("deletes a destination", async () => {
		const created = await createDestination({ url: new PartnerEndpoint().url, event_types: ["*"] });
		expect((await lookup(`/v1/destinations/${created.id}`, { key: ADMIN_KEY, method: "DELETE" })).status).toBe(204);
		expect((await lookup(`/v1/destinations/${created.id}`, { key: ADMIN_KEY })).status).toBe(404);
	});
});
