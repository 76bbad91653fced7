import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { eventBody } from "../../simulator/qitech/examples";
import { WEBHOOK_PATH } from "../../src/ingress/webhook-path";
import { logBatch } from "../../src/logs";
import { lookup, PARTNER_KEY } from "../api/partner-client";
import { deliverOk, signedHeaders, WEBHOOK_URL } from "../support/webhook";

let lines: string[] = [];

beforeEach(() => {
	lines = [];
	for (const method of ["log", "warn", "error"] as const) {
		vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
	}
});
afterEach(() => vi.restoreAllMocks());

const jsonLines = () => lines.flatMap((l) => (l.startsWith("{") ? [JSON.parse(l) as Record<string, unknown>] : []));
const requestLines = () => jsonLines().filter((l) => "route" in l);

describe("operations logs", () => {
	it("writes one JSON line per request with its route, outcome, reason and latency", async () => {
		await exports.default.fetch("https://receiver.test/readyz");
		await exports.default.fetch("https://receiver.test/no/such/route");
		const [ready, missing] = requestLines();
		expect(ready).toMatchObject({
			route: "/readyz",
			method: "GET",
			status: 200,
			outcome: "ok",
			reason: null,
			entity: null,
			event_id: null,
		});
		expect(missing).toMatchObject({ route: null, status: 404, outcome: "rejected", reason: "not_found" });
		expect(typeof ready.latency_ms).toBe("number");
		expect(requestLines()).toHaveLength(2);
	});

	it("logs a webhook once, with its verdict, and never its body or signature", async () => {
		const marker = `marker-${crypto.randomUUID()}`;
		const body = eventBody({
			type: "settlement.payment_batch_status_change",
			status: "paid",
			extra: { fund_class_document_number: marker },
		});
		const headers = await signedHeaders(body);
		const response = await exports.default.fetch(WEBHOOK_URL, {
			method: "POST",
			body,
			headers: { "content-type": "application/json", ...headers },
		});
		const verdict = await response.json<{ event_id: string; entity: string }>();
		const mine = requestLines().filter((l) => l.route === WEBHOOK_PATH);
		expect(mine).toEqual([
			expect.objectContaining({
				outcome: "accepted",
				entity: verdict.entity,
				event_id: verdict.event_id,
				reason: null,
			}),
		]);
		const everything = lines.join("\n");
		expect(everything).not.toContain(marker);
		expect(everything).not.toContain(headers.Signature);
	});

	it("logs a lookup with its route pattern, entity and the key's label, and never the key", async () => {
		const answer = await deliverOk(eventBody({ type: "settlement.payment_batch_status_change", status: "paid" }));
		const [kind, key] = answer.entity.split(":");
		const response = await lookup(`/v1/entities/${kind}/${key}`, { key: PARTNER_KEY });
		expect(response.status).toBe(200);
		const lookups = requestLines().filter((l) => l.method === "GET");
		expect(lookups).toEqual([
			expect.objectContaining({
				route: "/v1/entities/:kind/:key",
				status: 200,
				outcome: "ok",
				entity: answer.entity,
				caller: "partner-1",
			}),
		]);
		expect(lines.join("\n")).not.toContain(PARTNER_KEY);
	});

	it("logs one line per queue batch once the consumer has written the events", async () => {
		const answer = await deliverOk(eventBody({ type: "settlement.payment_batch_status_change", status: "paid" }));
		await expect
			.poll(
				() =>
					jsonLines().filter(
						(l) => l.queue === "qitech-events" && (l.acked as number) + (l.implicitly_acked as number) > 0,
					),
				{ timeout: 10_000 },
			)
			.not.toEqual([]);
		const [batch] = jsonLines().filter((l) => l.queue === "qitech-events");
		expect(batch).toMatchObject({ outcome: "ok", retried: 0, reason: null });
		expect(JSON.stringify(batch)).not.toContain(answer.event_id);
	});

	it("counts what the consumer acked and retried in a batch", async () => {
		const batch = createMessageBatch("qitech-events", [
			{ id: "a", timestamp: new Date(), attempts: 1, body: "first" },
			{ id: "b", timestamp: new Date(), attempts: 3, body: "second" },
		]);
		const ctx = createExecutionContext();
		await logBatch(batch, async (observed) => {
			observed.messages[0].ack();
			observed.messages[1].retry({ delaySeconds: 5 });
		});
		await waitOnExecutionContext(ctx);
		expect(jsonLines()).toMatchObject([
			{ queue: "qitech-events", messages: 2, acked: 1, retried: 1, outcome: "partial", max_attempts: 3 },
		]);
		const result = await getQueueResult(batch, ctx);
		expect(result.explicitAcks).toEqual(["a"]);
		expect(result.retryMessages.map((m) => m.msgId)).toEqual(["b"]);
	});

	it("logs a batch whose consumer throws as an error, and lets the error through for a retry", async () => {
		const batch = createMessageBatch("qitech-events-dlq", [{ id: "a", timestamp: new Date(), attempts: 1, body: "x" }]);
		await expect(logBatch(batch, () => Promise.reject(new Error("D1 down")))).rejects.toThrow("D1 down");
		expect(jsonLines()).toMatchObject([
			{ queue: "qitech-events-dlq", outcome: "error", reason: "Error: D1 down", retried: 1 },
		]);
	});
});
