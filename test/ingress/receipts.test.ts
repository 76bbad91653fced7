import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { eventBody } from "../../simulator/qitech/examples";
import { sha256Hex } from "../../src/digests";
import {
	FLUSH_DELAY_MS,
	FLUSH_MAX_ROWS,
	FOLDED_DETAIL,
	keepReceipt,
	REJECTIONS_PER_MINUTE,
} from "../../src/ingress/receipts";
import { signedHeaders, WEBHOOK_URL } from "../support/webhook";
import { fetchWith } from "../support/worker";

function call(body: string, headers: Record<string, string>, ip: string) {
	return fetchWith(
		{},
		new Request(WEBHOOK_URL, { method: "POST", body, headers: { ...headers, "cf-connecting-ip": ip } }),
	);
}

type Receipt = {
	outcome: string;
	reason: string | null;
	event_id: string | null;
	body_sha256: string | null;
	body_size: number;
	count: number;
};

async function receiptsFrom(ip: string) {
	return (
		await env.HISTORY.prepare("SELECT * FROM receipts WHERE client_ip = ? ORDER BY received_at, id")
			.bind(ip)
			.all<Receipt>()
	).results;
}

describe("the ingress audit trail", () => {
	it("leaves a receipt for an accepted event, a duplicate and a rejection, with digest and size but no body", async () => {
		const ip = `198.51.100.${Math.floor(Math.random() * 250)}`;
		const body = eventBody({ type: "settlement.payment_batch_status_change", status: "paid" });
		const headers = await signedHeaders(body);
		const accepted = await (await call(body, headers, ip)).json<{ event_id: string }>();
		await call(body, headers, ip);
		await call(body, { Signature: "0".repeat(64) }, ip);
		const receipts = await receiptsFrom(ip);
		expect(receipts.map((r) => [r.outcome, r.reason])).toEqual([
			["accepted", null],
			["duplicate", null],
			["rejected", "invalid_signature"],
		]);
		expect(receipts[0].event_id).toBe(accepted.event_id);
		const digest = [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body)))]
			.map((b) => b.toString(16).padStart(2, "0"))
			.join("");
		expect(receipts.every((r) => r.body_sha256 === digest && r.body_size === body.length)).toBe(true);
		const columns = Object.keys(receipts[0]);
		expect(columns).not.toContain("payload");
	});

	it("folds a flood of rejections into counted rows instead of one D1 row each", async () => {
		const ip = "192.0.2.77";
		const since = new Date().toISOString();
		const flood = REJECTIONS_PER_MINUTE * 3;
		await Promise.all(Array.from({ length: flood }, () => call("{}", { Signature: "0".repeat(64) }, ip)));
		const detailed = (await receiptsFrom(ip)).length;
		const folded = await env.HISTORY.prepare(
			"SELECT count(*) AS rows_written, sum(count) AS requests FROM receipts WHERE outcome = 'suppressed' AND received_at >= ?",
		)
			.bind(since)
			.first<{ rows_written: number; requests: number }>();
		expect(detailed).toBeLessThanOrEqual(REJECTIONS_PER_MINUTE);
		expect(detailed + (folded?.requests ?? 0)).toBe(flood);
		expect(detailed + (folded?.rows_written ?? 0)).toBeLessThan(flood / 2);
	});

	it("keeps in a folded row the distinct client addresses and body digests it stands for, at most 20 of each", async () => {
		const since = new Date().toISOString();
		// Fill this minute's budget of detailed rejections first, then flood from 30 addresses with 2 bodies.
		await Promise.all(
			Array.from({ length: REJECTIONS_PER_MINUTE }, () => call("{}", { Signature: "0".repeat(64) }, "192.0.2.90")),
		);
		const bodies = ['{"a":1}', '{"b":2}'];
		await Promise.all(
			Array.from({ length: 60 }, (_, i) => call(bodies[i % 2], { Signature: "0".repeat(64) }, `203.0.113.${i % 30}`)),
		);
		const { results } = await env.HISTORY.prepare(
			"SELECT client_ips, body_digests, count FROM receipts WHERE outcome = 'suppressed' AND received_at >= ?",
		)
			.bind(since)
			.all<{ client_ips: string; body_digests: string; count: number }>();
		const ips = new Set(results.flatMap((r) => JSON.parse(r.client_ips) as string[]));
		const digests = new Set(results.flatMap((r) => JSON.parse(r.body_digests) as string[]));
		// The isolate's budget is shared with the tests before: at least our 60 were folded.
		expect(results.reduce((n, r) => n + r.count, 0)).toBeGreaterThanOrEqual(60);
		for (const r of results) expect((JSON.parse(r.client_ips) as string[]).length).toBeLessThanOrEqual(FOLDED_DETAIL);
		expect([...ips].filter((ip) => ip.startsWith("203.0.113.")).length).toBeGreaterThanOrEqual(FOLDED_DETAIL - 1);
		for (const body of bodies) expect(digests).toContain(await sha256Hex(body));
	});

	it("writes receipts every 250 ms, and at once when 100 are waiting", async () => {
		vi.useFakeTimers();
		try {
			const keep = (ip: string) =>
				keepReceipt(env.HISTORY, {
					received_at: new Date().toISOString(),
					outcome: "duplicate",
					body_size: 1,
					client_ip: ip,
				});
			const few = Array.from({ length: FLUSH_MAX_ROWS - 1 }, () => keep("192.0.2.181"));
			await env.HISTORY.prepare("SELECT 1").first();
			expect(await receiptsFrom("192.0.2.181")).toHaveLength(0);
			await vi.advanceTimersByTimeAsync(FLUSH_DELAY_MS);
			await Promise.all(few);
			expect(await receiptsFrom("192.0.2.181")).toHaveLength(FLUSH_MAX_ROWS - 1);

			// No timer advanced: only the request that fills the buffer can write it now.
			const full = Array.from({ length: FLUSH_MAX_ROWS }, () => keep("192.0.2.182"));
			await full.at(-1);
			expect(await receiptsFrom("192.0.2.182")).toHaveLength(FLUSH_MAX_ROWS);
		} finally {
			await vi.advanceTimersByTimeAsync(FLUSH_DELAY_MS);
			vi.useRealTimers();
		}
	});
});
