import { describe, expect, it } from "vitest";
import { eventBody } from "../../simulator/qitech/examples";
import { deliverOk, historyRows } from "../support/webhook";
import { type ErrorBody, lookup, lookupOk } from "./partner-client";

interface Event {
	event_id: string;
	type: string;
	kind: string;
	key: string;
	status: string;
	result: string;
	received_at: string;
	payload?: string;
}
interface Page {
	data: Event[];
	next_cursor: string | null;
}

const STATUS_CHANGE = "trade_receivables.asset_status_change";

/** One asset's events: two in order, one late (stale), one repeated (not recorded twice). */
async function assetStory() {
	const key = crypto.randomUUID();
	const bodies = [
		eventBody({
			type: "trade_receivables.asset_creation",
			key,
			status: "pending_eligibility",
			at: "2026-03-01T10:00:00Z",
		}),
		eventBody({ type: STATUS_CHANGE, key, status: "completed", at: "2026-03-01T12:00:00Z" }),
		eventBody({ type: STATUS_CHANGE, key, status: "pre_approved", at: "2026-03-01T11:00:00Z" }),
	];
	const answers = [];
	for (const body of bodies) answers.push(await deliverOk(body));
	await deliverOk(bodies[1]);
	await historyRows(answers.map((a) => a.event_id));
	return { key, bodies, ids: answers.map((a) => a.event_id) };
}

describe("GET /v1/events", () => {
	it("lists an entity's events in the order they were received, each once", async () => {
		const { key, ids } = await assetStory();
		const page = await lookupOk<Page>(`/v1/events?kind=asset&key=${key}`);
		expect(page.data.map((e) => e.event_id)).toEqual(ids);
		expect(page.data.map((e) => [e.type, e.status, e.result])).toEqual([
			["trade_receivables.asset_creation", "pending_eligibility", "accepted"],
			[STATUS_CHANGE, "completed", "accepted"],
			[STATUS_CHANGE, "pre_approved", "stale"],
		]);
		expect(page.data[0]).not.toHaveProperty("payload");
	});

	it("filters by type, status, result and a received_at window", async () => {
		const { key, ids } = await assetStory();
		const of = async (query: string) =>
			(await lookupOk<Page>(`/v1/events?kind=asset&key=${key}&${query}`)).data.map((e) => e.event_id);
		expect(await of(`type=${STATUS_CHANGE}`)).toEqual([ids[1], ids[2]]);
		expect(await of("status=completed")).toEqual([ids[1]]);
		expect(await of("result=stale")).toEqual([ids[2]]);
		const all = (await lookupOk<Page>(`/v1/events?kind=asset&key=${key}`)).data;
		const from = all[1].received_at;
		expect(await of(`since=${from}`)).toEqual(all.filter((e) => e.received_at >= from).map((e) => e.event_id));
		expect(await of(`until=${all[0].received_at}`)).toEqual([]);
		const byType = await lookupOk<Page>(
			`/v1/events?type=${STATUS_CHANGE}&status=pre_approved&result=stale&since=${all[0].received_at}`,
		);
		expect(byType.data.map((e) => e.event_id)).toContain(ids[2]);
		expect(
			byType.data.every((e) => e.type === STATUS_CHANGE && e.status === "pre_approved" && e.result === "stale"),
		).toBe(true);
	});

	it("answers 400 invalid_request for a key without kind, a status without kind or type, or a bad value", async () => {
		for (const query of [
			"key=abc",
			"status=completed",
			"result=maybe",
			"since=tomorrow",
			"until=2026-13-01T00:00:00Z",
			"kind=invoice",
			"limit=-1",
		]) {
			const response = await lookup(`/v1/events?${query}`);
			expect(response.status, query).toBe(400);
			expect((await response.json<ErrorBody>()).error.code, query).toBe("invalid_request");
		}
	});
});

describe("GET /v1/events/{event_id}", () => {
	it("returns the event with its payload exactly as received", async () => {
		const { bodies, ids } = await assetStory();
		const event = await lookupOk<Event>(`/v1/events/${ids[2]}`);
		expect(event).toMatchObject({ event_id: ids[2], kind: "asset", status: "pre_approved", result: "stale" });
		expect(event.payload).toBe(bodies[2]);
	});

	it("answers 404 not_found for an event it never recorded", async () => {
		const response = await lookup(`/v1/events/${"0".repeat(64)}`);
		expect(response.status).toBe(404);
		expect((await response.json<ErrorBody>()).error.code).toBe("not_found");
	});
});
