import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { eventBody } from "../../simulator/qitech/examples";
import { unreachableLedgers } from "../support/faults";
import { deliverOk } from "../support/webhook";
import { type ErrorBody, lookup, lookupOk, lookupWith } from "./partner-client";

interface Detail {
	entity: {
		kind: string;
		key: string;
		status: string;
		occurred_at: string;
		related: Record<string, string>;
		anomalies: unknown[];
	};
	history: {
		event_id: string;
		type: string;
		status: string;
		previous_status: string | null;
		occurred_at: string;
		result: string;
		anomaly: string | null;
	}[];
}

const ASSET = "trade_receivables.asset_status_change";

describe("GET /v1/entities/{kind}/{key}", () => {
	it("shows each event as soon as the ingress answered 200 for it (read your writes)", async () => {
		const key = crypto.randomUUID();
		const statuses = [
			"pending_eligibility",
			"pending_documentation",
			"pre_approved",
			"pending_formalization",
			"completed",
		];
		for (const [i, status] of statuses.entries()) {
			const at = new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString();
			const answer = await deliverOk(eventBody({ type: ASSET, key, status, at }));
			const detail = await lookupOk<Detail>(`/v1/entities/asset/${key}`);
			expect(detail.entity.status).toBe(status);
			expect(detail.history.at(-1)?.event_id).toBe(answer.event_id);
			expect(detail.history).toHaveLength(i + 1);
		}
	});

	it("lists the history in flow order, stale events included, with the links and anomalies of the entity", async () => {
		const key = crypto.randomUUID();
		const links = { assignment: `AS-${key}`, fund_class: `FC-${key}` };
		await deliverOk(
			eventBody({ type: ASSET, key, status: "pending_formalization", at: "2026-02-01T10:00:00Z", links }),
		);
		const stale = await deliverOk(
			eventBody({ type: ASSET, key, status: "pending_eligibility", at: "2026-02-01T09:00:00Z", links }),
		);
		expect(stale.result).toBe("stale");
		await deliverOk(eventBody({ type: ASSET, key, status: "not_in_the_docs", at: "2026-02-01T11:00:00Z", links }));

		const { entity, history } = await lookupOk<Detail>(`/v1/entities/asset/${key}`);
		expect(entity).toMatchObject({
			kind: "asset",
			key,
			status: "not_in_the_docs",
			occurred_at: "2026-02-01T11:00:00.000Z",
			related: links,
		});
		expect(entity.anomalies).toEqual([{ event_id: history[2].event_id, anomaly: "unknown_status" }]);
		expect(entity).not.toHaveProperty("version");
		expect(history.map((h) => [h.status, h.result, h.previous_status, h.anomaly])).toEqual([
			["pending_eligibility", "stale", "pending_formalization", null],
			["pending_formalization", "accepted", null, null],
			["not_in_the_docs", "accepted", "pending_formalization", "unknown_status"],
		]);
		expect(Object.keys(history[0]).sort()).toEqual(
			[
				"anomaly",
				"event_id",
				"occurred_at",
				"previous_status",
				"received_at",
				"repair",
				"result",
				"sequence",
				"status",
				"type",
			].sort(),
		);
	});

	it("answers 404 not_found for an entity nobody sent", async () => {
		const response = await lookup(`/v1/entities/operation/${crypto.randomUUID()}`);
		expect(response.status).toBe(404);
		expect((await response.json<ErrorBody>()).error.code).toBe("not_found");
	});

	it("answers 400 invalid_request for a kind outside the catalog", async () => {
		const response = await lookup("/v1/entities/invoice/123");
		expect(response.status).toBe(400);
		const body = await response.json<ErrorBody>();
		expect(body.error.code).toBe("invalid_request");
		expect(JSON.stringify(body.error.details)).toContain("kind");
	});

	it("answers 503 unavailable with Retry-After, and no internals, when the entity's ledger cannot be reached", async () => {
		const response = await lookupWith(
			{ ENTITY_LEDGER: unreachableLedgers(env.ENTITY_LEDGER) },
			"/v1/entities/asset/any",
		);
		expect(response.status).toBe(503);
		expect(response.headers.get("retry-after")).toBe("1");
		const text = await response.text();
		expect(JSON.parse(text).error.code).toBe("unavailable");
		expect(text).not.toContain("injected");
	});
});

describe("GET /v1/entities/{kind}/{key}, a long history", () => {
	it("pages through it newest first, 50 by default, each page in flow order, without gaps or repeats", async () => {
		const key = crypto.randomUUID();
		const type = "trade_receivables.asset_status_change";
		const start = Date.parse("2024-04-23T15:00:00Z");
		const sent: string[] = [];
		for (let i = 0; i < 120; i++) {
			const at = new Date(start + i * 1000).toISOString();
			const status = i % 2 === 0 ? "pending_documentation" : "pre_approved";
			sent.push((await deliverOk(eventBody({ type, key, status, at }))).event_id);
		}
		type Page = { history: { event_id: string }[]; next_cursor: string | null };
		const pages: Page[] = [await lookupOk<Page>(`/v1/entities/asset/${key}`)];
		for (let cursor = pages[0].next_cursor; cursor !== null; cursor = pages.at(-1)?.next_cursor ?? null) {
			pages.push(await lookupOk<Page>(`/v1/entities/asset/${key}?cursor=${encodeURIComponent(cursor)}`));
		}
		expect(pages.map((p) => p.history.length)).toEqual([50, 50, 20]);
		const ids = (p: Page) => p.history.map((e) => e.event_id);
		expect(ids(pages[0])).toEqual(sent.slice(70));
		expect([...pages].reverse().flatMap(ids)).toEqual(sent);
		const small = await lookupOk<Page>(`/v1/entities/asset/${key}?limit=5`);
		expect(ids(small)).toEqual(sent.slice(115));
	});
});
