/** A partner key limited to some kinds, or without payload scope, sees in the console what the API would show it, no more. */
import { beforeAll, describe, expect, it } from "vitest";
import { eventBody } from "../../simulator/qitech/examples";
import { managedKey } from "../api/partner-client";
import { deliverOk, historyRows } from "../support/webhook";
import { consoleFetch, linkedEntities, page, signIn } from "./console-client";

const ASSET = "trade_receivables.asset_status_change";
const BATCH = "settlement.payment_batch_status_change";
const SECRET_TEXT = `CPF 123.456.789-${crypto.randomUUID()}`;

const asset = { key: crypto.randomUUID(), eventId: "" };
const batch = { key: crypto.randomUUID(), eventId: "" };
const assetPage = () => `/console/entities/asset/${asset.key}?event=${asset.eventId}`;
const batchPage = () => `/console/entities/payment_batch/${batch.key}`;

beforeAll(async () => {
	const extra = { documento: SECRET_TEXT };
	asset.eventId = (await deliverOk(eventBody({ type: ASSET, key: asset.key, status: "completed", extra }))).event_id;
	batch.eventId = (await deliverOk(eventBody({ type: BATCH, key: batch.key, status: "paid", extra }))).event_id;
	await historyRows([asset.eventId, batch.eventId]);
});

describe("console: a partner key limited to assets", () => {
	let cookie: string;
	beforeAll(async () => {
		cookie = await signIn((await managedKey({ kinds: ["asset"] })).key);
	});

	it("opens its kind's entities, with their payloads", async () => {
		expect(await page(assetPage(), cookie)).toContain(SECRET_TEXT);
	});

	it.each([
		["another kind's entity", batchPage, 404],
		["another kind's event", () => `/console/events/${batch.eventId}`, 404],
		["events of another kind", () => "/console/events?kind=payment_batch", 403],
		["events of another kind's type", () => `/console/events?type=${BATCH}`, 403],
	])("is refused %s", async (_, path, status) => {
		const response = await consoleFetch(path(), { cookie });
		expect(response.status).toBe(status);
		expect(response.headers.get("location")).toBeNull();
		expect(await response.text()).not.toContain(SECRET_TEXT);
	});

	it("lists only its kind's events, and offers only its kind in the searches", async () => {
		const listed = linkedEntities(await page("/console/events", cookie));
		expect(listed).toContain(`asset:${asset.key}`);
		expect(listed.filter((entity) => !entity.startsWith("asset:"))).toEqual([]);
		for (const path of ["/console", "/console/events"]) {
			expect(await page(path, cookie)).not.toMatch(/<option value="payment_batch"|kind=payment_batch/);
		}
		const types = [...(await page("/console/events", cookie)).matchAll(/<option value="([a-z_]+\.[a-z_.]+)"/g)].map(
			(m) => m[1],
		);
		expect(types.length).toBeGreaterThan(0);
		expect(types.every((type) => type.startsWith("trade_receivables.asset_"))).toBe(true);
	});
});

describe("console: a partner key without payload scope", () => {
	it("sees the event but not its payload", async () => {
		const cookie = await signIn((await managedKey({ payloads: false })).key);
		const html = await page(assetPage(), cookie);
		expect(html).toContain(`data-event="${asset.eventId}"`);
		expect(html).toContain("This key does not read payloads.");
		expect(html).not.toContain(SECRET_TEXT);
		expect(html).not.toContain('id="payload-raw"');
	});
});
