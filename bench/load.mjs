// One load run, in a process of its own so that building and signing requests never runs in
// the runtime's parent: builds the requests, warms up, waits for "go", loads the worker with
// autocannon, and reports throughput, latencies (its own, to the microsecond) and the answers.
import { readFileSync } from "node:fs";
import autocannon from "autocannon";
import { WEBHOOK_PATH } from "../src/ingress/webhook-path.ts";
import { signers } from "./events.mjs";
import { driftingEvents, mixedEvents, oneEvent, uniqueEvents } from "./flows.mjs";
import { devVars } from "./runtime.mjs";

const FLOWS = { unique: uniqueEvents, one: oneEvent, mix: mixedEvents, "mix-drift": driftingEvents };
/** Requests a worker that needs no fresh events (bare, or one event repeated) cycles through. */
const CYCLE = 2000;
/**
 * New entities one load may open. workerd keeps a new Durable Object's SQLite files open until
 * it evicts the object, ~10 s after its last request; at 3 files each, the 20,000 open files
 * the development machine allows a process hold ~6,600 live objects. On a machine that allows
 * fewer (often 1,024), the cap shrinks with it.
 */
export const ENTITY_CAP = Math.min(5000, Math.floor(openFilesLimit() / 4));

function openFilesLimit() {
	try {
		const line = readFileSync("/proc/self/limits", "utf8")
			.split("\n")
			.find((l) => l.startsWith("Max open files"));
		const soft = Number(line?.split(/\s{2,}/)[1]);
		return Number.isFinite(soft) ? soft : 20_000;
	} catch {
		return 20_000;
	}
}

/**
 * Hands out the requests. Fresh events are built on demand during the warm-up, then a pool
 * sized from the warm-up's rate is built before the measured run, so signing (ES512 takes
 * ~1.3 ms in Node) does not compete with the load; past the pool, on demand again (counted).
 */
function requestSource(spec) {
	if (spec.paths) {
		let i = 0;
		const headers = spec.cookie ? { cookie: spec.cookie } : { authorization: `Bearer ${spec.partnerKey}` };
		const next = () => ({ method: "GET", path: spec.paths[i++ % spec.paths.length], headers });
		return { next, prepare() {}, onDemand: () => 0, entities: () => 0 };
	}
	const sign = signers(devVars)[spec.sign];
	const bodies = FLOWS[spec.flow]();
	const entities = new Set();
	const build = () => {
		const { body, id, entity } = bodies.next().value;
		entities.add(entity);
		return {
			method: "POST",
			path: WEBHOOK_PATH,
			headers: { "content-type": "application/json", ...sign(body) },
			body,
			id,
		};
	};
	let pool = spec.cycle ? Array.from({ length: spec.flow === "one" ? 1 : CYCLE }, build) : [];
	let i = 0;
	let built = 0;
	const onDemand = () => {
		built++;
		return build();
	};
	return {
		next: () => (i < pool.length || spec.cycle ? pool[i++ % pool.length] : onDemand()),
		prepare(count) {
			if (spec.cycle) return;
			pool = [];
			while (pool.length < count && entities.size < ENTITY_CAP) pool.push(build());
			i = 0;
			built = 0;
		},
		onDemand: () => built,
		entities: () => (spec.cycle ? 0 : entities.size),
	};
}

/** `issued` counts, per event_id, the requests built: sent, or about to be when the load stopped. */
function load(url, source, connections, durationMs, answers, issued) {
	const latencies = [];
	const statuses = {};
	const instance = autocannon({
		url,
		connections,
		duration: durationMs / 1000,
		timeout: 30,
		requests: [
			{
				setupRequest: (defaults) => {
					const request = source.next();
					issued?.set(request.id, (issued.get(request.id) ?? 0) + 1);
					return { ...defaults, ...request };
				},
				onResponse: (status, body) => {
					statuses[status] = (statuses[status] ?? 0) + 1;
					if (answers) answers.push(status === 200 ? body : `${status} ${body}`);
				},
			},
		],
	});
	instance.on("response", (_client, _status, _bytes, ms) => latencies.push(ms));
	return new Promise((resolve, reject) => {
		instance.on("done", (result) => resolve({ result, latencies, statuses }));
		instance.on("error", reject);
	});
}

function summary({ result, latencies, statuses }) {
	const sorted = Float64Array.from(latencies).sort();
	const at = (q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : null);
	return {
		requests: sorted.length,
		rps: sorted.length / result.duration,
		p50: at(0.5),
		p99: at(0.99),
		errors: result.errors,
		timeouts: result.timeouts,
		statuses,
	};
}

/** Events with an answer never read: in flight, or built but not sent, when a load stopped. */
function unanswered(issued, answers) {
	const answered = new Map();
	for (const a of answers.filter((a) => a.startsWith("{"))) {
		const id = JSON.parse(a).event_id;
		answered.set(id, (answered.get(id) ?? 0) + 1);
	}
	return [...issued].filter(([id, n]) => (answered.get(id) ?? 0) < n).map(([id]) => id);
}

process.once("message", async ({ url, spec, connections, warmupMs, durationMs }) => {
	const source = requestSource(spec);
	const answers = spec.answers ? [] : null;
	const issued = spec.answers ? new Map() : null;
	const warmup = summary(await load(url, source, connections, warmupMs, answers, issued));
	const runMs = withinEntityCap(durationMs, source.entities(), warmupMs);
	source.prepare(Math.ceil(warmup.rps * (runMs / 1000) * 1.5) + 200);
	process.send({ type: "warmed", warmup });
	await new Promise((resolve) => process.once("message", resolve));
	const run = summary(await load(url, source, connections, runMs, answers, issued));
	const unread = issued && unanswered(issued, answers);
	const figures = { ...run, durationMs: runMs, entities: source.entities(), builtOnDemand: source.onDemand() };
	process.send({ type: "done", run: figures, answers, issued: issued && [...issued.keys()], unread }, () =>
		process.disconnect(),
	);
});

/**
 * The run's duration, shortened when at the warm-up's pace it would open more than ENTITY_CAP
 * entities (with room: a warm-up runs slower than the load that follows it).
 */
function withinEntityCap(durationMs, opened, warmupMs) {
	if (opened === 0) return durationMs;
	const perMs = opened / warmupMs;
	return Math.max(1000, Math.min(durationMs, Math.floor(((ENTITY_CAP - opened) / perMs) * 0.7)));
}
