#!/usr/bin/env node
// `npm run bench [-- --quick] [-- --connections 16 --duration 10 --rounds 3 --only mix,entity --sizes 10000,1000000]`:
// the receiver against three baselines in the same workerd, then a consistency check under load.
// See docs/PERFORMANCE.md. Writes bench/results.json (--quick: bench/out/results-quick.json); exits
// non-zero on any inconsistency.
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { capacityOf, capacitySnapshot } from "./capacity.mjs";
import { checkConsistency } from "./consistency.mjs";
import { withForwarding } from "./forwarding.mjs";
import { countEvents, cursorHalfWay, ingestSample, loadBulk, pageRowsRead } from "./history.mjs";
import { measure, settledFor } from "./measure.mjs";
import { report, summarise } from "./report.mjs";
import { consoleSession, out, PARTNER_KEY, root, startRuntime } from "./runtime.mjs";
import { INGESTION, ingestionSpec, LOOKUPS, lookupPaths } from "./scenarios.mjs";

const { values: args } = parseArgs({
	options: {
		quick: { type: "boolean", default: false },
		connections: { type: "string" },
		duration: { type: "string" },
		warmup: { type: "string" },
		rounds: { type: "string" },
		eviction: { type: "string" },
		only: { type: "string" },
		sizes: { type: "string" },
	},
});
const options = {
	quick: args.quick,
	connections: Number(args.connections ?? 16),
	durationMs: Number(args.duration ?? (args.quick ? 1 : 10)) * 1000,
	// The runtime is idle once its CPU has not moved for this long (and the Queue is drained).
	quietMs: args.quick ? 800 : 1200,
	warmupMs: Number(args.warmup ?? (args.quick ? 0.5 : 1)) * 1000,
	// After an ingestion run, wait this long for workerd to evict the Durable Objects it created.
	evictionMs: Number(args.eviction ?? (args.quick ? 0 : 12)) * 1000,
	rounds: Number(args.rounds ?? (args.quick ? 1 : 3)),
	// History sizes the lookups are measured at; 10⁶ only in the full run unless asked for.
	sizes: args.sizes?.split(",").map(Number) ?? (args.quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000]),
	only: args.only?.split(","),
};
const wanted = (id) => !options.only || options.only.includes(id);

async function main() {
	const started = new Date();
	const load = loadavg().map((l) => l.toFixed(2));
	console.log(`bench: ${cpus().length} cores, load average ${load.join(" ")}; ${JSON.stringify(options)}`);
	const errors = [];
	const runtime = await startRuntime({ onError: (message) => errors.push(message) });
	console.log(`runtime up (workerd pid ${runtime.pid}) after ${seconds(started)} s`);
	const bench = {
		runtime,
		scenarios: [],
		evidence: { answers: [], issued: new Set(), unread: new Set() },
		capacity: null,
		rowsRead: {},
	};
	try {
		await lookups(bench);
		await ingestion(bench);
		const consistency = await checkConsistency({
			...bench.evidence,
			db: runtime.db,
			receiverUrl: runtime.urls.receiver,
		});
		const failedRuns = failures(bench.scenarios);
		const results = report({
			started,
			options,
			scenarios: bench.scenarios,
			capacity: bench.capacity,
			rowsRead: bench.rowsRead,
			consistency,
			failedRuns,
			errors,
		});
		// A --quick run (CI) proves consistency; only a full run's figures replace the committed ones.
		const file = options.quick ? join(out, "results-quick.json") : join(root, "bench", "results.json");
		writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
		console.log(`figures written to ${file}`);
		const forwarded = bench.scenarios.every((s) => s.forwarding?.ok !== false);
		return consistency.consistent && failedRuns.length === 0 && forwarded;
	} finally {
		await runtime.mf.dispose();
	}
}

/** The sample through the webhook route, then each lookup at each history size. */
async function lookups(bench) {
	const { urls, db } = bench.runtime;
	const { assets, answers } = await ingestSample(urls, db);
	for (const answer of answers) keep(bench.evidence, { answers: [answer], issued: [JSON.parse(answer).event_id] });
	for (const size of options.sizes) {
		const loading = new Date();
		await loadBulk(db, await countEvents(db), size);
		const events = await countEvents(db);
		const read = await pageRowsRead(db, events);
		bench.rowsRead[events] = read;
		console.log(
			`${events} events in D1 (loaded in ${seconds(loading)} s); D1 rows read per page: ${JSON.stringify(read)}`,
		);
		const cursor = await cursorHalfWay(urls.receiver, PARTNER_KEY, events);
		const cookie = await consoleSession(urls.receiver);
		for (const lookup of LOOKUPS.filter((l) => wanted(l.id))) {
			const paths = lookupPaths(lookup, assets, cursor);
			const spec = lookup.session ? { paths, cookie } : { paths, partnerKey: PARTNER_KEY };
			const workers = [["bare", spec], ...(lookup.floor ? [["floor", spec]] : []), ["receiver", spec]];
			await series(bench, { ...lookup, kind: "lookup", events }, workers);
		}
	}
}

/** Each ingestion scenario; around the mix, what its events leave in storage (bench/capacity.mjs). */
async function ingestion(bench) {
	for (const scenario of INGESTION.filter((s) => wanted(s.id))) {
		const workers = ["bare", "floor", "full", "receiver"].map((t) => [t, ingestionSpec(scenario, t)]);
		const measured = scenario.id === "mix";
		const before = measured && (await capacitySnapshot(bench.runtime));
		const answered = bench.evidence.answers.length;
		const run = (owed) => series(bench, { ...scenario, kind: "ingestion" }, workers, options.evictionMs, owed);
		if (!scenario.forwarding) await run();
		else {
			const forwarding = await withForwarding(bench.runtime, run);
			bench.scenarios.at(-1).forwarding = forwarding;
		}
		if (!measured) continue;
		const answers = bench.evidence.answers.slice(answered);
		bench.capacity = await capacityOf(bench.runtime, before, await capacitySnapshot(bench.runtime), answers);
	}
}

/**
 * `options.rounds` rounds of one run per worker, in turn; the medians go to `bench.scenarios`.
 * `owed`: what else the receiver's runs owe before the runtime is settled (`settled`), and the
 * wait for it after each of its loads (`drain`), as bench/forwarding.mjs gives them.
 */
async function series(bench, scenario, workers, evictionMs = 0, owed = {}) {
	const settled = settledFor(bench.runtime.urls, owed.settled);
	const runs = Object.fromEntries(workers.map(([target]) => [target, []]));
	for (let round = 0; round < options.rounds; round++) {
		for (const [target, spec] of workers) {
			const evicting = target === "bare" ? 0 : evictionMs;
			const drain = target === "receiver" ? owed.drain : undefined;
			const run = keep(
				bench.evidence,
				await measure(bench.runtime, { target, spec, ...options, settled, evictionMs: evicting, drain }),
			);
			runs[target].push(run);
			const figures = `${Math.round(run.rps)} req/s, p50 ${run.p50?.toFixed(2)} ms, p99 ${run.p99?.toFixed(2)} ms`;
			const drained = run.drainMs === undefined ? "" : `, ${drainNote(run.drainMs)}`;
			console.log(
				`  ${scenario.id}${scenario.events ? `@${scenario.events}` : ""} ${target}: ${figures}, ${run.cpuPerRequest.toFixed(3)} CPU ms/req${drained}`,
			);
		}
	}
	bench.scenarios.push(summarise(scenario, runs));
}

/** Moves a run's answers into the evidence for the consistency check; returns the run's figures. */
function keep(evidence, { answers, issued, unread, ...run }) {
	for (const answer of answers ?? []) evidence.answers.push(answer);
	for (const id of issued ?? []) evidence.issued.add(id);
	for (const id of unread ?? []) evidence.unread.add(id);
	return { ...run, unread: unread?.length };
}

const drainNote = (ms) =>
	ms === null
		? "deliveries still owed at the time bound"
		: `every delivery delivered ${(ms / 1000).toFixed(1)} s after the load`;

/** Runs in which a worker answered anything but 200: their figures are not the worker's. */
function failures(scenarios) {
	return scenarios.flatMap((s) =>
		Object.entries(s.workers).flatMap(([worker, w]) =>
			w.runs
				.filter((r) => Object.keys(r.statuses).some((code) => code !== "200"))
				.map((r) => ({ scenario: s.id, events: s.events, worker, statuses: r.statuses })),
		),
	);
}

const seconds = (since) => ((Date.now() - since.getTime()) / 1000).toFixed(1);

const consistent = await main();
process.exit(consistent ? 0 : 1);
