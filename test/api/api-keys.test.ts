/** Issue 11, section 5: API keys with labels and scopes, kept in D1 as digests, revocable, expiring. */
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { eventBody } from "../../simulator/qitech/examples";
import { identify, KEY_CACHE_MS } from "../../src/api/auth";
import { sha256Hex } from "../../src/digests";
import { deliverOk, historyRows } from "../support/webhook";
import { ADMIN_KEY, lookup, PARTNER_KEY } from "./partner-client";

interface Created {
	id: string;
	key: string;
	label: string;
	prefix: string;
}

async function createKey(fields: Record<string, unknown>, key = ADMIN_KEY): Promise<Response> {
	return lookup("/v1/api-keys", { key, method: "POST", body: fields });
}

async function created(fields: Record<string, unknown>): Promise<Created> {
	const response = await createKey(fields);
	expect(response.status).toBe(201);
	return response.json<Created>();
}

describe("API keys managed through the admin API", () => {
	it("shows a new key once and keeps only its digest", async () => {
		const key = await created({ label: "fund-portal" });
		expect(key.key).toMatch(/^qtk_[0-9a-f]{64}$/);
		expect(key.prefix).toBe(key.key.slice(0, 10));
		const listed = await (await lookup("/v1/api-keys", { key: ADMIN_KEY })).text();
		expect(listed).toContain(key.id);
		expect(listed).not.toContain(key.key);
		const row = await env.HISTORY.prepare("SELECT * FROM api_keys WHERE id = ?").bind(key.id).first();
		expect(row?.digest).toBe(await sha256Hex(key.key));
		expect(JSON.stringify(row)).not.toContain(key.key);
		expect((await lookup("/v1/receipts", { key: key.key })).status).toBe(200);
	});

	it("is refused to partner keys, and refuses a bad label or a past expiry", async () => {
		expect((await createKey({ label: "x" }, PARTNER_KEY)).status).toBe(403);
		expect((await createKey({ label: "no spaces allowed" })).status).toBe(400);
		expect((await createKey({ label: "late", expires_at: "2020-01-01T00:00:00Z" })).status).toBe(400);
	});

	it("revokes a key: refused at once where it was not seen, and everywhere within the cache time", async () => {
		const unused = await created({ label: "never-used" });
		const used = await created({ label: "used" });
		expect((await lookup("/v1/receipts", { key: used.key })).status).toBe(200);
		for (const { id } of [unused, used]) {
			const revoked = await lookup(`/v1/api-keys/${id}`, { key: ADMIN_KEY, method: "DELETE" });
			expect((await revoked.json<{ revoked_at: string | null }>()).revoked_at).not.toBeNull();
		}
		expect((await lookup("/v1/receipts", { key: unused.key })).status).toBe(401);
		expect(await identify(env, used.key, null, Date.now() + KEY_CACHE_MS + 1)).toBeNull();
	});

	it("expires a key at its expires_at, even when it was used just before (the cache stops there)", async () => {
		const expiresAt = Date.now() + KEY_CACHE_MS / 2;
		const key = await created({ label: "short-lived", expires_at: new Date(expiresAt).toISOString() });
		expect(await identify(env, key.key, null)).toMatchObject({ label: "short-lived", role: "partner" });
		expect(await identify(env, key.key, null, expiresAt - 1)).toMatchObject({ label: "short-lived" });
		expect(await identify(env, key.key, null, expiresAt + 1)).toBeNull();
	});

	it("notes when a key was last used", async () => {
		const key = await created({ label: "noted" });
		expect((await lookup("/v1/receipts", { key: key.key })).status).toBe(200);
		await expect
			.poll(
				async () =>
					(await (await lookup(`/v1/api-keys/${key.id}`, { key: ADMIN_KEY })).json<{ last_used_at: string | null }>())
						.last_used_at,
			)
			.not.toBeNull();
	});
});

describe("a key limited to some kinds and without payloads", () => {
	let lines: string[] = [];
	beforeEach(() => {
		lines = [];
		vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
	});
	afterEach(() => vi.restoreAllMocks());

	it("reads only its kinds, gets events without payloads, and is named by its label in the logs", async () => {
		const { key } = await created({ label: "assets-only", kinds: ["asset"], payloads: false });
		lines = [];
		const asset = await deliverOk(eventBody({ type: "trade_receivables.asset_status_change", status: "pre_approved" }));
		const batch = await deliverOk(eventBody({ type: "settlement.payment_batch_status_change", status: "paid" }));
		await historyRows([asset.event_id, batch.event_id]);
		const [, assetKey] = asset.entity.split(":");
		const [, batchKey] = batch.entity.split(":");

		expect((await lookup(`/v1/entities/asset/${assetKey}`, { key })).status).toBe(200);
		expect((await lookup(`/v1/entities/payment_batch/${batchKey}`, { key })).status).toBe(403);
		const event = await (await lookup(`/v1/events/${asset.event_id}`, { key })).json<Record<string, unknown>>();
		expect(event.event_id).toBe(asset.event_id);
		expect(event).not.toHaveProperty("payload");
		expect((await lookup(`/v1/events/${batch.event_id}`, { key })).status).toBe(404);
		expect((await lookup(`/v1/events/${batch.event_id}/deliveries`, { key })).status).toBe(404);
		expect((await lookup("/v1/events?kind=payment_batch", { key })).status).toBe(403);
		expect((await lookup("/v1/events?type=settlement.payment_batch_status_change", { key })).status).toBe(403);
		const { data } = await (await lookup("/v1/events?limit=500", { key })).json<{ data: { kind: string }[] }>();
		expect(new Set(data.map((e) => e.kind))).toEqual(new Set(["asset"]));
		expect((await lookup("/v1/receipts", { key })).status).toBe(403);

		const logged = lines.filter((l) => l.includes('"route":"/v1/')).map((l) => JSON.parse(l));
		expect(logged.length).toBeGreaterThan(5);
		expect(new Set(logged.map((l) => l.caller))).toEqual(new Set(["assets-only"]));
		expect(lines.join("\n")).not.toContain(key);
	});

	it("(control) a key with every kind and payloads sees the payload", async () => {
		const asset = await deliverOk(eventBody({ type: "trade_receivables.asset_status_change", status: "pre_approved" }));
		await historyRows([asset.event_id]);
		const event = await (await lookup(`/v1/events/${asset.event_id}`)).json<Record<string, unknown>>();
		expect(typeof event.payload).toBe("string");
	});
});
