/** An admin acts from the console: the same functions as the admin API, with who did it recorded. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { eventBody } from "../../simulator/qitech/examples";
import { raise } from "../../src/alerts/lifecycle";
import { ADMIN_KEY } from "../api/partner-client";
import { deliveryRow, destinationFor, PartnerEndpoint } from "../support/partner";
import { deliverOk, ledgerOf } from "../support/webhook";
import { consoleFetch, csrfOf, page, postFrom, signIn } from "./console-client";

const type = "settlement.payment_batch_status_change";
const batchPath = (key: string) => `/console/entities/payment_batch/${key}`;

describe("console actions of an admin", () => {
	it("releases and discards quarantined events, and records a correction, each kept with the admin's label", async () => {
		const key = crypto.randomUUID();
		await deliverOk(eventBody({ type, key, status: "paid", at: "2026-01-01T00:00:00Z" }));
		const released = await deliverOk(eventBody({ type, key, status: "completed", at: "9999-12-31T23:59:59Z" }));
		const discarded = await deliverOk(eventBody({ type, key, status: "discarded", at: "9999-12-30T00:00:00Z" }));
		const cookie = await signIn(ADMIN_KEY);
		const html = await page(batchPath(key), cookie);
		expect(html).toContain(`${batchPath(key)}/events/${released.event_id}/release`);
		const release = await postFrom(batchPath(key), `${batchPath(key)}/events/${released.event_id}/release`, cookie);
		expect(release.status).toBe(303);
		expect(release.headers.get("location")).toBe(`${batchPath(key)}?notice=released`);
		const discard = await postFrom(batchPath(key), `${batchPath(key)}/events/${discarded.event_id}/discard`, cookie, {
			reason: "sent by mistake",
		});
		expect(discard.status).toBe(303);
		const correct = await postFrom(batchPath(key), `${batchPath(key)}/corrections`, cookie, {
			status: "paid",
			reason: "QI Tech reopened it",
		});
		expect(correct.status).toBe(303);
		const { history, entity } = (await ledgerOf(`payment_batch:${key}`).snapshot()) ?? { history: [], entity: null };
		expect(entity?.status).toBe("paid");
		const bySequence = [...history].sort((a, b) => a.sequence - b.sequence);
		expect(bySequence.map((e) => [e.result, e.repair?.action ?? null, e.repair?.by ?? null])).toEqual([
			["accepted", null, null],
			["accepted", "release", "admin-1"],
			["discarded", "discard", "admin-1"],
			["accepted", "correction", "admin-1"],
		]);
		expect(await page(`${batchPath(key)}?notice=corrected`, cookie)).toContain("Correction recorded.");
	});

	it("redelivers one delivery, and replays a destination's dead deliveries once it recovers", async () => {
		const endpoint = new PartnerEndpoint();
		await endpoint.behave({ down: true });
		const destination = await destinationFor(endpoint, { event_types: [type] });
		const answer = await deliverOk(eventBody({ type, status: "paid" }));
		await expect
			.poll(async () => (await deliveryRow(answer.event_id, destination.id))?.outcome, { timeout: 20_000 })
			.toBe("dead");
		const cookie = await signIn(ADMIN_KEY);
		const listed = await page(`/console/deliveries?outcome=dead&destination=${destination.id}`, cookie);
		expect(listed).toContain(`data-delivery="${answer.event_id}:${destination.id}"`);
		await endpoint.behave({});
		const replay = await postFrom(
			"/console/deliveries",
			`/console/destinations/${destination.id}/replay-failed`,
			cookie,
			{
				return_to: `/console/deliveries?destination=${destination.id}`,
			},
		);
		expect(replay.headers.get("location")).toMatch(
			/^\/console\/deliveries\?destination=dst_\w+&notice=replayed&n=[1-9]/,
		);
		await expect
			.poll(async () => (await deliveryRow(answer.event_id, destination.id))?.outcome, { timeout: 10_000 })
			.toBe("delivered");
		const again = await postFrom("/console/deliveries", `/console/events/${answer.event_id}/redeliver`, cookie, {
			destination_id: destination.id,
		});
		expect(again.status).toBe(303);
		await expect
			.poll(async () => (await endpoint.webhookIds()).filter((id) => id === answer.event_id).length, {
				timeout: 10_000,
			})
			.toBeGreaterThanOrEqual(7);
	});

	it("creates a destination showing its secret once, rotates it, disables and enables it, and sends a test event", async () => {
		const endpoint = new PartnerEndpoint();
		const cookie = await signIn(ADMIN_KEY);
		const created = await postFrom("/console/destinations/new", "/console/destinations", cookie, {
			url: endpoint.url,
			event_types: "trade_receivables.*\nsettlement.*",
			kinds: "asset",
			enabled: "true",
		});
		expect(created.status).toBe(200);
		const createdHtml = await created.text();
		const secret = /id="secret">(whsec_[^<]+)</.exec(createdHtml)?.[1];
		expect(secret).toBeDefined();
		const id = /action="\/console\/destinations\/(dst_[0-9a-f]+)\/rotate"/.exec(createdHtml)?.[1] ?? "";
		const row = await env.HISTORY.prepare("SELECT event_types, kinds FROM destinations WHERE id = ?").bind(id).first();
		expect(row).toEqual({ event_types: '["trade_receivables.*","settlement.*"]', kinds: '["asset"]' });
		expect(await page(`/console/destinations/${id}`, cookie)).not.toContain(secret);

		const rotated = await postFrom(`/console/destinations/${id}`, `/console/destinations/${id}/rotate`, cookie);
		const newSecret = /id="secret">(whsec_[^<]+)</.exec(await rotated.text())?.[1];
		expect(newSecret).toMatch(/^whsec_/);
		expect(newSecret).not.toBe(secret);

		const test = await postFrom(`/console/destinations/${id}`, `/console/destinations/${id}/test`, cookie, {
			type: "trade_receivables.asset_status_change",
		});
		expect(await test.text()).toContain('data-test-outcome="delivered"');
		expect(await endpoint.verifiedBodies(newSecret ?? "")).toHaveLength(1);

		expect((await postFrom(`/console/destinations/${id}`, `/console/destinations/${id}/disable`, cookie)).status).toBe(
			303,
		);
		expect(await page(`/console/destinations/${id}`, cookie)).toContain("disabled by an admin");
		expect((await postFrom(`/console/destinations/${id}`, `/console/destinations/${id}/enable`, cookie)).status).toBe(
			303,
		);
		const edited = await postFrom(`/console/destinations/${id}`, `/console/destinations/${id}`, cookie, {
			url: endpoint.url,
			event_types: "*",
			include_stale: "true",
		});
		expect(edited.headers.get("location")).toBe(`/console/destinations/${id}?notice=saved`);
		const after = await env.HISTORY.prepare(
			"SELECT event_types, kinds, include_stale, enabled FROM destinations WHERE id = ?",
		)
			.bind(id)
			.first();
		expect(after).toEqual({ event_types: '["*"]', kinds: null, include_stale: 1, enabled: 1 });
	});

	it("refuses a destination the API would refuse, saying why", async () => {
		const cookie = await signIn(ADMIN_KEY);
		const csrf = csrfOf(await page("/console/destinations/new", cookie));
		const response = await consoleFetch("/console/destinations", {
			cookie,
			form: { csrf, url: "https://169.254.169.254/hook", event_types: "*" },
		});
		expect(response.status).toBe(400);
		expect(await response.text()).toContain("special-purpose address");
	});

	it("edits a destination's filter, order, body and pace, shows them in words, and refuses a bad filter naming it", async () => {
		const cookie = await signIn(ADMIN_KEY);
		const created = await postFrom("/console/destinations/new", "/console/destinations", cookie, {
			url: new PartnerEndpoint().url,
			event_types: "settlement.*",
			filter: JSON.stringify({ data: { data: { status: "paid" } } }),
			ordering: "entity",
			payload: "thin",
			max_per_second: "5",
			enabled: "true",
		});
		const id = /action="\/console\/destinations\/(dst_[0-9a-f]+)\/rotate"/.exec(await created.text())?.[1] ?? "";
		const row = await env.HISTORY.prepare(
			"SELECT filter, ordering, payload, max_per_second, max_in_flight FROM destinations WHERE id = ?",
		)
			.bind(id)
			.first();
		expect(row).toEqual({
			filter: '{"data":{"data":{"status":"paid"}}}',
			ordering: "entity",
			payload: "thin",
			max_per_second: 5,
			max_in_flight: null,
		});
		const shown = await page(`/console/destinations/${id}`, cookie);
		expect(shown).toContain("data.data.status = &quot;paid&quot;");
		const csrf = csrfOf(shown);
		const bad = await consoleFetch(`/console/destinations/${id}`, {
			cookie,
			form: { csrf, url: new PartnerEndpoint().url, event_types: "*", filter: '{"amount":{"$regex":"1"}}' },
		});
		expect(bad.status).toBe(400);
		expect(await bad.text()).toContain("unknown operator $regex at amount");
	});

	it("acknowledges an open alert with the admin's label", async () => {
		const subject = `asset:${crypto.randomUUID()}`;
		const [opened] = await raise(env, [{ kind: "entity.stuck", subject, details: {} }]);
		const cookie = await signIn(ADMIN_KEY);
		const response = await postFrom("/console/alerts", `/console/alerts/${opened.alert.id}/acknowledge`, cookie);
		expect(response.status).toBe(303);
		const row = await env.HISTORY.prepare("SELECT status, acknowledged_by FROM alerts WHERE id = ?")
			.bind(opened.alert.id)
			.first();
		expect(row).toEqual({ status: "acknowledged", acknowledged_by: "admin-1" });
	});
});
