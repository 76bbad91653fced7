import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type EventSpec, eventBody } from "../../simulator/qitech/examples";
import { deliverOk, historyRows } from "../support/webhook";
import { type ErrorBody, lookup, lookupOk } from "./partner-client";

interface Page {
	data: { kind: string; key: string; status: string; related: Record<string, string> }[];
	next_cursor: string | null;
}

/** Delivers the events and waits until the D1 history, which lists read, has them all. */
async function ingest(specs: EventSpec[]): Promise<void> {
	const ids = [];
	for (const spec of specs) ids.push((await deliverOk(eventBody(spec))).event_id);
	expect(await historyRows(ids)).toHaveLength(ids.length);
}

const keysOf = (page: Page) => page.data.map((e) => `${e.kind}:${e.key}`);

describe("GET /v1/entities", () => {
	it("lists every asset of an assignment batch, and only those", async () => {
		const batch = `AS-${crypto.randomUUID()}`;
		const fundClass = `FC-${crypto.randomUUID()}`;
		const assets = ["a", "b", "c"].map((k) => `${batch}-${k}`);
		await ingest([
			...assets.map((key) => ({
				type: "trade_receivables.asset_creation" as const,
				key,
				status: "pending_eligibility",
				links: { assignment: batch, fund_class: fundClass },
			})),
			{
				type: "trade_receivables.asset_creation",
				key: `${batch}-other`,
				status: "pending_eligibility",
				links: { assignment: `${batch}-2`, fund_class: fundClass },
			},
			{
				type: "trade_receivables.assignment_status_change",
				key: batch,
				status: "pending_payment",
				links: { fund_class: fundClass },
			},
		]);
		const page = await lookupOk<Page>(`/v1/entities?kind=asset&related=assignment:${batch}`);
		expect(keysOf(page)).toEqual(assets.map((k) => `asset:${k}`));
		expect(page.next_cursor).toBeNull();
		expect(page.data[0].related).toEqual({ assignment: batch, fund_class: fundClass });
		const everything = await lookupOk<Page>(`/v1/entities?related=fund_class:${fundClass}`);
		expect(keysOf(everything)).toEqual([
			`asset:${batch}-a`,
			`asset:${batch}-b`,
			`asset:${batch}-c`,
			`asset:${batch}-other`,
			`assignment:${batch}`,
		]);
	});

	it("lists every payment of a subscription and every entry of a payment instrument", async () => {
		const subscription = `S-${crypto.randomUUID()}`;
		const instrument = `PI-${crypto.randomUUID()}`;
		await ingest([
			{ type: "subscription.subscription_status_change", key: subscription, status: "waiting_payment" },
			{
				type: "subscription_payment.subscription_payment_status_change",
				key: `${subscription}-p1`,
				status: "confirmed",
				links: { subscription },
			},
			{
				type: "subscription_payment.subscription_payment_status_change",
				key: `${subscription}-p2`,
				status: "waiting_confirmation",
				links: { subscription },
			},
			{
				type: "baas.invoice.payment_instrument_entry",
				key: `${instrument}-e1`,
				status: "concluded",
				links: { payment_instrument: instrument },
			},
			{
				type: "baas.invoice.payment_instrument_entry",
				key: `${instrument}-e2`,
				status: "processing_conclusion",
				links: { payment_instrument: instrument },
			},
		]);
		const payments = await lookupOk<Page>(`/v1/entities?related=subscription:${subscription}`);
		expect(keysOf(payments)).toEqual([
			`subscription_payment:${subscription}-p1`,
			`subscription_payment:${subscription}-p2`,
		]);
		expect(payments.data.map((p) => p.status)).toEqual(["confirmed", "waiting_confirmation"]);
		const entries = await lookupOk<Page>(
			`/v1/entities?kind=payment_instrument_entry&related=payment_instrument:${instrument}`,
		);
		expect(keysOf(entries)).toEqual([
			`payment_instrument_entry:${instrument}-e1`,
			`payment_instrument_entry:${instrument}-e2`,
		]);
	});

	it("lists the open assignments of a fund class, its finished ones, or those in one status", async () => {
		const fundClass = `FC-${crypto.randomUUID()}`;
		const spec = (key: string, status: string): EventSpec => ({
			type: "trade_receivables.assignment_status_change",
			key: `${fundClass}-${key}`,
			status,
			links: { fund_class: fundClass },
		});
		await ingest([spec("1", "pending_payment"), spec("2", "completed"), spec("3", "denied"), spec("4", "discarded")]);
		const base = `/v1/entities?kind=assignment&related=fund_class:${fundClass}`;
		expect(keysOf(await lookupOk<Page>(`${base}&open=true`))).toEqual([
			`assignment:${fundClass}-1`,
			`assignment:${fundClass}-3`,
		]);
		expect(keysOf(await lookupOk<Page>(`${base}&open=false`))).toEqual([
			`assignment:${fundClass}-2`,
			`assignment:${fundClass}-4`,
		]);
		expect(keysOf(await lookupOk<Page>(`${base}&status=denied`))).toEqual([`assignment:${fundClass}-3`]);
	});

	it("filters by kind, status and updated_since, oldest update first", async () => {
		const status = `status-${crypto.randomUUID()}`;
		const rows = [
			["op-1", "2301-01-01T00:00:00.000Z"],
			["op-2", "2301-01-02T00:00:00.000Z"],
			["op-3", "2301-01-03T00:00:00.000Z"],
		].map(([key, at]) => ({ key: `${status}-${key}`, at }));
		await env.HISTORY.batch(
			rows.map((r) =>
				env.HISTORY.prepare(
					"INSERT INTO entities (kind, key, status, occurred_at, updated_at, version, related, anomalies) VALUES ('operation', ?, ?, ?, ?, 1, '{}', '[]')",
				).bind(r.key, status, r.at, r.at),
			),
		);
		const all = await lookupOk<Page>(`/v1/entities?kind=operation&status=${status}`);
		expect(all.data.map((e) => e.key)).toEqual(rows.map((r) => r.key));
		const since = await lookupOk<Page>(
			`/v1/entities?kind=operation&status=${status}&updated_since=2301-01-01T21:00:00-03:00`,
		);
		expect(since.data.map((e) => e.key)).toEqual(rows.slice(1).map((r) => r.key));
		expect((await lookupOk<Page>(`/v1/entities?kind=issuer&status=${status}`)).data).toEqual([]);
	});

	it("answers 400 invalid_request for status or open without kind, an unknown link, a bad time or limit", async () => {
		for (const query of [
			"status=completed",
			"open=true",
			"related=not_a_link:1",
			"related=assignment",
			"kind=invoice",
			"updated_since=yesterday",
			"limit=0",
			"limit=501",
			"limit=ten",
			"open=yes&kind=asset",
		]) {
			const response = await lookup(`/v1/entities?${query}`);
			expect(response.status, query).toBe(400);
			const body = await response.json<ErrorBody>();
			expect(body.error.code, query).toBe("invalid_request");
			expect(Array.isArray(body.error.details), query).toBe(true);
		}
	});
});
