import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { d1WithFailingQueries, queueNotAnswering } from "../support/faults";
import { type EnvChanges, fetchWith } from "../support/worker";

/** A D1 binding that fails the test's expectations the moment anything uses it. */
const untouchableD1 = new Proxy({} as D1Database, {
	get(_, property) {
		throw new Error(`D1 was touched: ${String(property)}`);
	},
});

const call = (path: string, changes: EnvChanges) => fetchWith(changes, new Request(`https://receiver.test${path}`));

describe("health and readiness", () => {
	it("answers /healthz without touching D1", async () => {
		const response = await call("/healthz", { HISTORY: untouchableD1 });
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({ ok: true });
	});

	it("is ready when D1 answers a query and both queues and the payloads' bucket are bound", async () => {
		const response = await exports.default.fetch("https://receiver.test/readyz");
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({
			ok: true,
			checks: { d1: "ok", events_queue: "ok", deliveries_queue: "ok", payloads: "ok", settings: "ok" },
		});
	});

	it("is not ready, naming the bucket, when payloads have nowhere to go", async () => {
		const response = await call("/readyz", { PAYLOADS: undefined });
		expect(response.status).toBe(503);
		const body = await response.json<{ error: { details: Record<string, string> } }>();
		expect(body.error.details.payloads).toBe("not bound");
		expect(body.error.details.d1).toBe("ok");
	});

	it("checks every history partition named, and names the one that is not bound", async () => {
		const bound = await call("/readyz", { HISTORY_PARTITIONS: "HISTORY_ARCHIVE=2026-06" });
		expect(bound.status).toBe(200);
		expect((await bound.json<{ checks: Record<string, string> }>()).checks.history_partitions).toBe("ok");
		const unbound = await call("/readyz", { HISTORY_PARTITIONS: "HISTORY_ARCHIVE=2026-06,HISTORY_LATER=2026-09" });
		expect(unbound.status).toBe(503);
		const body = await unbound.json<{ error: { details: Record<string, string> } }>();
		expect(body.error.details.history_partitions).toBe("HISTORY_LATER not bound");
	});

	it("is not ready, naming D1, while D1 fails", async () => {
		const response = await call("/readyz", { HISTORY: d1WithFailingQueries(env.HISTORY) });
		expect(response.status).toBe(503);
		const body = await response.json<{ error: { code: string; details: Record<string, string> } }>();
		expect(body.error.code).toBe("unavailable");
		expect(body.error.details.d1).toMatch(/^unavailable: .*D1 unavailable/);
		expect(body.error.details.events_queue).toBe("ok");
	});

	it("is not ready, naming the queue, when a queue binding is missing", async () => {
		const response = await call("/readyz", { EVENTS_QUEUE: undefined });
		expect(response.status).toBe(503);
		const body = await response.json<{ error: { details: Record<string, string> } }>();
		expect(body.error.details).toEqual({
			d1: "ok",
			events_queue: "not bound",
			deliveries_queue: "ok",
			payloads: "ok",
			settings: "ok",
		});
	});

	it("is not ready, naming the queue, while the queue service does not answer", async () => {
		const response = await call("/readyz", { EVENTS_QUEUE: queueNotAnswering(env.EVENTS_QUEUE) });
		expect(response.status).toBe(503);
		const body = await response.json<{ error: { details: Record<string, string> } }>();
		expect(body.error.details.events_queue).toMatch(/^unavailable: .*queue service down/);
		expect(body.error.details.d1).toBe("ok");
	});

	it("is not ready, naming each setting that does not parse, and keeps serving with its default", async () => {
		const changes = { SIGNATURE_MAX_AGE_SECONDS: "five minutes", REQUIRE_BODY_BINDING: "yes" };
		const response = await call("/readyz", changes);
		expect(response.status).toBe(503);
		const body = await response.json<{ error: { details: Record<string, string> } }>();
		expect(body.error.details.settings).toMatch(
			/^invalid: SIGNATURE_MAX_AGE_SECONDS \(.+\); REQUIRE_BODY_BINDING \(.+\)$/,
		);
		expect(body.error.details.d1).toBe("ok");
		expect((await call("/healthz", changes)).status).toBe(200);
	});
});
