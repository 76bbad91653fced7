/**
 * GET /healthz: the worker runs (touches no binding, so it stays cheap for uptime checks).
 * GET /readyz: the worker can take webhooks: D1 answers a query, both Queues and the payloads'
 * bucket answer, every history partition named is bound and answers, and every setting parses.
 */
import { Hono } from "hono";
import type { Env } from "./env";
import { errorBody } from "./errors";
import { signatureConfig } from "./ingress/signature/config";
import { settingsOf, warningsOf } from "./settings";

/** A readiness probe must answer even when a binding hangs. */
const PROBE_TIMEOUT_MS = 2_000;

export const health = new Hono<{ Bindings: Env }>();

health.get("/healthz", (c) => c.json({ ok: true }));

health.get("/readyz", async (c) => {
	const checks = await readinessChecks(c.env);
	const warnings = warningsOf(settingsOf(c.env)).map((w) => `${w.setting}: ${w.message}`);
	const shown = warnings.length > 0 ? { warnings } : {};
	if (Object.values(checks).every((check) => check === "ok")) return c.json({ ok: true, checks, ...shown });
	return c.json(errorBody("unavailable", "not ready", { ...checks, ...shown }), 503);
});

/** Each check's result: "ok", or what is wrong. /readyz and the readiness alert sweep both ask this. */
export async function readinessChecks(env: Env): Promise<Record<string, string>> {
	const [d1, events_queue, deliveries_queue, payloads, partitions] = await Promise.all([
		env.HISTORY ? probe(() => env.HISTORY.prepare("SELECT 1").first()) : "not bound",
		checkQueue(env.EVENTS_QUEUE),
		checkQueue(env.DELIVERIES_QUEUE),
		// Unbound, payloads stay in D1 and exports stop: a deploy that lost the bucket must show.
		env.PAYLOADS ? probe(() => (env.PAYLOADS as R2Bucket).head("readyz")) : "not bound",
		partitionsCheck(env),
	]);
	const checks = { d1, events_queue, deliveries_queue, payloads, settings: await settingsCheck(env) };
	return partitions === null ? checks : { ...checks, history_partitions: partitions };
}

/** Each database HISTORY_PARTITIONS names is bound and answers; null when there are none. */
async function partitionsCheck(env: Env): Promise<string | null> {
	const named = settingsOf(env).HISTORY_PARTITIONS;
	if (named.length === 0) return null;
	const bindings = env as unknown as Record<string, D1Database | undefined>;
	const results = await Promise.all(
		named.map(async ({ binding }) => {
			const db = bindings[binding];
			const result = db ? await probe(() => db.prepare("SELECT 1").first()) : "not bound";
			return result === "ok" ? null : `${binding} ${result}`;
		}),
	);
	const wrong = results.filter((r) => r !== null);
	return wrong.length === 0 ? "ok" : wrong.join("; ");
}

/** Every variable that did not parse, by name (its default is in use meanwhile), and keys that do not import. */
async function settingsCheck(env: Env): Promise<string> {
	const problems = [...settingsOf(env).problems];
	const { es512Problem } = await signatureConfig(env);
	if (es512Problem && !problems.some((p) => p.setting === "QITECH_ES512_PUBLIC_KEY")) {
		problems.push({ setting: "QITECH_ES512_PUBLIC_KEY", message: es512Problem });
	}
	if (problems.length === 0) return "ok";
	return `invalid: ${problems.map((p) => `${p.setting} (${p.message})`).join("; ")}`;
}

/** Asks for the backlog, never sends: a probe message would reach the consumer as an event. */
async function checkQueue(queue: Queue<unknown> | undefined): Promise<string> {
	if (typeof queue?.sendBatch !== "function") return "not bound";
	return typeof queue.metrics === "function" ? probe(() => queue.metrics()) : "ok";
}

async function probe(call: () => Promise<unknown>): Promise<string> {
	let timer: ReturnType<typeof setTimeout> | null = null;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`no answer in ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
	});
	try {
		await Promise.race([call(), timeout]);
		return "ok";
	} catch (err) {
		return `unavailable: ${err instanceof Error ? err.message : String(err)}`;
	} finally {
		clearTimeout(timer);
	}
}
