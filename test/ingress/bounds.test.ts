/** Issue 11, section 3: bounded fields, bounded messages, and no body of any shape ever a 5xx. */
import { runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eventBody } from "../../simulator/qitech/examples";
import { ENVELOPES, EVENT_TYPES } from "../../src/catalog/catalog";
import type { EntityLedger } from "../../src/ledger/entity-ledger";
import type { EventNotification } from "../../src/model";
import { FlakyQueue } from "../support/faults";
import { deliver, deliverOk, historyRows, ledgerOf } from "../support/webhook";

const type = "trade_receivables.asset_status_change";

async function expectInvalidPayload(response: Response, field: string) {
	expect(response.status).toBe(400);
	const { error } = await response.json<{ error: { code: string; details: { path: string[] }[] } }>();
	expect(error.code).toBe("invalid_payload");
	expect(error.details.map((d) => d.path.join("."))).toContain(field);
}

describe("fields longer than 256 characters", () => {
	const long = "x".repeat(257);

	it.each([
		["the key", { key: long }, "data.asset_external_id"],
		["the status", { status: long }, "data.asset_new_status"],
		["a link", { links: { assignment: long } }, "data.assignment_external_id"],
	])("refuses %s with 400 invalid_payload naming the field", async (_, spec, field) => {
		const body = eventBody({ type, status: "pre_approved", ...spec });
		await expectInvalidPayload(await deliver(body, { scheme: "hmac" }), field);
	});

	it("refuses the type, and an unclassified event's status", async () => {
		const body = JSON.parse(eventBody({ type, status: "pre_approved" }));
		await expectInvalidPayload(
			await deliver(JSON.stringify({ ...body, webhook_type: long }), { scheme: "hmac" }),
			"webhook_type",
		);
		const unknown = { ...body, webhook_type: "baas.brand_new", data: { status: long } };
		await expectInvalidPayload(await deliver(JSON.stringify(unknown), { scheme: "hmac" }), "data.status");
	});

	it("(control) accepts exactly 256", async () => {
		const body = eventBody({ type, key: "k".repeat(256), status: "s".repeat(256) });
		expect((await deliver(body, { scheme: "hmac" })).status).toBe(200);
	});
});

it("refuses a body that mixes both envelope forms with 400, not 500", async () => {
	const b = JSON.parse(eventBody({ type, status: "pre_approved" }));
	const mixed = [
		{ ...b, event_type: 5 },
		{ ...b, event_type: "commercial_paper.operation_status_change" },
		{ ...b, event_datetime: b.webhook_datetime },
		{ ...b, event_data: {} },
	];
	for (const body of mixed) {
		const response = await deliver(JSON.stringify(body), { scheme: "hmac" });
		expect(response.status, JSON.stringify(Object.keys(body))).toBe(400);
		expect(await response.json()).toMatchObject({ error: { code: "invalid_payload", message: /mixes both/ } });
	}
});

describe("no accepted event makes a Queue message over 128 KB", () => {
	it("reaches D1 with the longest fields, the most anomalies and a payload on either side of inlining", async () => {
		const key = "ç".repeat(256);
		const links = { assignment: "ã".repeat(256), fund_class: "é".repeat(256) };
		const start = Date.parse("2024-04-23T15:00:00Z");
		const sent = await runInDurableObject(ledgerOf(`asset:${key}`), (ledger: EntityLedger) => {
			const recording = new FlakyQueue<EventNotification>(ledger.notifications);
			ledger.notifications = recording;
			return recording.sent;
		});
		// Unknown statuses fill the entity's anomalies, which every message of it carries.
		for (let i = 0; i < 25; i++) {
			const status = `${"õ".repeat(250)}${i}`;
			await deliverOk(eventBody({ type, key, status, links, at: new Date(start + i * 1000).toISOString() }), {
				scheme: "hmac",
			});
		}
		const ids: string[] = [];
		// "—" takes 3 bytes in a Queue message, twice what a UTF-16 estimate would say.
		for (const [i, chars] of [25_000, 33_000, 34_000, 35_000, 36_000, 41_000, 50_000].entries()) {
			const body = eventBody({
				type,
				key,
				status: `${"ü".repeat(250)}big${i}`,
				links,
				at: new Date(start + (100 + i) * 1000).toISOString(),
				extra: { notes: "—".repeat(chars) },
			});
			ids.push((await deliverOk(body, { scheme: "hmac" })).event_id);
		}
		expect(await historyRows(ids, 20_000)).toHaveLength(ids.length);
		// What the real Queue accepted from the ledger: every message under 128 KB as UTF-8 JSON, the
		// largest bodies by reference, and the entity's anomalies capped.
		const messages = await runInDurableObject(ledgerOf(`asset:${key}`), () => sent.map((m) => JSON.stringify(m)));
		expect(messages.length).toBeGreaterThanOrEqual(32);
		const largest = Math.max(...messages.map((m) => new TextEncoder().encode(m).length));
		expect(largest).toBeLessThan(128_000);
		expect(largest, "payloads near the limit go inline").toBeGreaterThan(64_000);
		const last = JSON.parse(messages[messages.length - 1]) as EventNotification;
		expect(last.payload, "a 150 KB body goes by reference").toBeNull();
		expect(last.entity?.anomalies).toHaveLength(20);
	});
});

describe("no signed body of any shape gets a 5xx", () => {
	const fields = [
		...Object.values(ENVELOPES).flatMap((e) => Object.values(e)),
		...Object.values(EVENT_TYPES).flatMap((t) => [t.key, t.status, ...Object.values(t.links)]),
		"status",
	];
	const value = fc.oneof(
		fc.jsonValue({ maxDepth: 3 }),
		fc.constantFrom(...Object.keys(EVENT_TYPES), "baas.unknown_type", ""),
		fc.constantFrom("2024-04-23T15:08:30Z", "2024-04-23T15:08:30", "9999-12-31T23:59:59-23:59", "0000-01-01T00:00:00Z"),
		fc.string({ maxLength: 300 }),
	);
	const objectOf = (inner: fc.Arbitrary<unknown>) =>
		fc.dictionary(fc.oneof(fc.constantFrom(...fields), fc.string({ maxLength: 8 })), inner, { maxKeys: 8 });
	const body = fc.oneof(
		fc.jsonValue({ maxDepth: 4 }),
		objectOf(fc.oneof(value, objectOf(value))),
		fc.record({
			webhook_type: fc.constantFrom(...Object.keys(EVENT_TYPES)),
			webhook_datetime: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
			data: objectOf(value),
		}),
	);

	it("answers every one with 2xx or 4xx", async () => {
		await fc.assert(
			fc.asyncProperty(body, async (json) => {
				const text = JSON.stringify(json) ?? "null";
				const response = await deliver(text, { scheme: "hmac" });
				await response.body?.cancel();
				return response.status < 500;
			}),
			{ numRuns: 300 },
		);
	});
});
