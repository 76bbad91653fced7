/**
 * GET /healthz: the worker runs (touches no binding, so it stays cheap for uptime checks).
 * GET /readyz: the worker can take webhooks: D1 answers a query and the Queue is bound.
 */
import { Hono } from "hono";
import type { Env } from "./env";
import { errorBody } from "./errors";

/** A readiness probe must answer even when D1 hangs. */
const D1_TIMEOUT_MS = 2_000;

export const health = new Hono<{ Bindings: Env }>();

health.get("/healthz", (c) => c.json({ ok: true }));

health.get("/readyz", async (c) => {
	const checks = { d1: await checkD1(c.env.HISTORY), queue: checkQueue(c.env.EVENTS_QUEUE) };
	if (Object.values(checks).every((check) => check === "ok")) return c.json({ ok: true, checks });
	return c.json(errorBody("unavailable", "not ready", checks), 503);
});

async function checkD1(db: D1Database | undefined): Promise<string> {
	if (!db) return "not bound";
	let timer: ReturnType<typeof setTimeout> | null = null;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`no answer in ${D1_TIMEOUT_MS} ms`)), D1_TIMEOUT_MS);
	});
	try {
		await Promise.race([db.prepare("SELECT 1").first(), timeout]);
		return "ok";
	} catch (err) {
		return `unavailable: ${err instanceof Error ? err.message : String(err)}`;
	} finally {
		clearTimeout(timer);
	}
}

/** Bound, not probed: sending a message would put a fake event in front of the consumer. */
function checkQueue(queue: Queue | undefined): string {
	return typeof queue?.send === "function" && typeof queue.sendBatch === "function" ? "ok" : "not bound";
}
