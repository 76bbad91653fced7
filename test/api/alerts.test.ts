import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { Alert, Occurrence } from "../../src/alerts/alert";
import { raise, resolve } from "../../src/alerts/lifecycle";
import { encodeCursor } from "../../src/api/pagination";
import { ADMIN_KEY, type ErrorBody, lookup, PARTNER_KEY } from "./partner-client";

type Page = { data: Alert[]; next_cursor: string | null };

const minute = (n: number) => new Date(Date.UTC(2026, 2, 2, 12, n));
const occurrence = (kind: Occurrence["kind"], subject: string): Occurrence => ({ kind, subject, details: { subject } });

/** Every page of a list, following next_cursor. */
async function walk(query: string, limit: number): Promise<Alert[]> {
	const all: Alert[] = [];
	let cursor: string | null = null;
	do {
		const page = await lookup(`/v1/alerts?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`, {
			key: ADMIN_KEY,
		});
		expect(page.status).toBe(200);
		const body: Page = await page.json();
		expect(body.data.length).toBeLessThanOrEqual(limit);
		all.push(...body.data);
		cursor = body.next_cursor;
	} while (cursor);
	return all;
}

const subjects = (alerts: Alert[]) => alerts.map((a) => a.subject);

describe("GET /v1/alerts and POST /v1/alerts/{id}/acknowledge", () => {
	let ids: Record<string, string> = {};

	beforeAll(async () => {
		// Opened a minute apart, oldest first: two stuck entities, a failing destination, a resolved check.
		const raised = [
			...(await raise(env, [occurrence("entity.stuck", "asset:S-1")], minute(1))),
			...(await raise(env, [occurrence("destination.failing", "dst_F")], minute(2))),
			...(await raise(env, [occurrence("entity.stuck", "asset:S-2")], minute(3))),
			...(await raise(env, [occurrence("ingestion.not_ready", "d1")], minute(4))),
		];
		await resolve(env, ["ingestion.not_ready:d1"], minute(5));
		ids = Object.fromEntries(raised.map((c) => [c.alert.subject, c.alert.id]));
	});

	it("pages through every alert oldest first, without gaps or repeats, at any page size", async () => {
		for (const limit of [1, 2, 3, 50]) {
			expect(subjects(await walk("", limit))).toEqual(["asset:S-1", "dst_F", "asset:S-2", "d1"]);
		}
	});

	it.each([
		["kind=entity.stuck", ["asset:S-1", "asset:S-2"]],
		["status=open", ["asset:S-1", "dst_F", "asset:S-2"]],
		["status=resolved", ["d1"]],
		["kind=entity.stuck&status=resolved", []],
		["kind=destination.failing&status=open", ["dst_F"]],
	])("filters by %s", async (query, expected) => {
		expect(subjects(await walk(query, 1))).toEqual(expected);
	});

	it("answers each alert in its documented shape", async () => {
		const [first] = await walk("kind=destination.failing", 50);
		expect(first).toEqual({
			id: ids.dst_F,
			kind: "destination.failing",
			fingerprint: "destination.failing:dst_F",
			status: "open",
			subject: "dst_F",
			details: { subject: "dst_F" },
			count: 1,
			first_seen: minute(2).toISOString(),
			last_seen: minute(2).toISOString(),
			acknowledged_at: null,
			acknowledged_by: null,
			resolved_at: null,
		});
	});

	it("acknowledges an alert, recording the admin key's label; it then lists as acknowledged", async () => {
		const response = await lookup(`/v1/alerts/${ids["asset:S-2"]}/acknowledge`, { key: ADMIN_KEY, method: "POST" });
		expect(response.status).toBe(200);
		const alert = await response.json<Alert>();
		expect(alert).toMatchObject({ id: ids["asset:S-2"], status: "acknowledged", acknowledged_by: "admin-1" });
		expect(Date.parse(alert.acknowledged_at ?? "")).toBeGreaterThan(Date.now() - 60_000);
		expect(subjects(await walk("status=acknowledged", 50))).toEqual(["asset:S-2"]);
		expect(subjects(await walk("status=open", 50))).toEqual(["asset:S-1", "dst_F"]);
	});

	it("answers 404 for an unknown alert and 400 for an unknown kind or a cursor of another list", async () => {
		const unknown = await lookup("/v1/alerts/alr_nope/acknowledge", { key: ADMIN_KEY, method: "POST" });
		expect(unknown.status).toBe(404);
		expect((await unknown.json<ErrorBody>()).error.code).toBe("not_found");
		expect((await lookup("/v1/alerts?kind=contract.everything", { key: ADMIN_KEY })).status).toBe(400);
		const foreign = encodeCursor("receipts", ["2026-03-02T12:00:00.000Z", 7]);
		expect((await lookup(`/v1/alerts?cursor=${foreign}`, { key: ADMIN_KEY })).status).toBe(400);
	});

	it.each([
		["GET", "/v1/alerts"],
		["POST", "/v1/alerts/alr_x/acknowledge"],
	])("refuses a partner key on %s %s with 403, and no key with 401", async (method, path) => {
		const partner = await lookup(path, { key: PARTNER_KEY, method });
		expect(partner.status).toBe(403);
		expect((await partner.json<ErrorBody>()).error.code).toBe("forbidden");
		expect((await lookup(path, { key: null, method })).status).toBe(401);
	});
});
