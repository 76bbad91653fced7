#!/usr/bin/env node
// `npm run bench [-- --quick] [-- --connections 16 --duration 10 --rounds 3 --only mix,entity]`:
// the receiver against two baselines in the same workerd, then a consistency check under load.
// See docs/PERFORMANCE.md. Writes bench/results.json; exits non-zero on any inconsistency.
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { checkConsistency } from "./consistency.mjs";
import { countEvents, cursorHalfWay, ingestSample, loadBulk } from "./history.mjs";
import { measure } from "./measure.mjs";
import { medians, ratios, table, targetLines, targets } from "./report.mjs";
import { PARTNER_KEY, root, startRuntime } from "./runtime.mjs";
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
	sizes: [10_000, 100_000],
	only: args.only?.split(","),
};
const wanted = (id) => !options.only || options.only.includes(id);
const errors = [];

async function main() {
	const started = new Date();
	console.log(
		`bench: ${cpus().length} cores, load average ${loadavg()
			.map((l) => l.toFixed(2))
			.join(" ")}; ${JSON.stringify(options)}`,
	);
	const runtime = await startRuntime({ onError: (message) => errors.push(message) });
	console.log(`runtime up (workerd pid ${runtime.pid}) after ${seconds(started)} s`);
	const answers = [];
	const issued = new Set();
	const unread = new Set();
	const scenarios = [];
	try {
		const settled = async () => {
			const totals = await (await fetch(`${runtime.urls.receiver}/__bench/notifications?totals`)).json();
			return totals.consumed >= totals.sent;
		};
		const series = async (scenario, workers, evictionMs = 0) => {
			const runs = Object.fromEntries(workers.map(([target]) => [target, []]));
			for (let round = 0; round < options.rounds; round++) {
				for (const [target, spec] of workers) {
					const evicting = target !== "bare" ? evictionMs : 0;
					const run = await measure(runtime, { target, spec, ...options, settled, evictionMs: evicting });
					if (run.answers) answers.push(...run.answers);
					for (const id of run.issued ?? []) issued.add(id);
					for (const id of run.unread ?? []) unread.add(id);
					run.unread = run.unread?.length;
					delete run.answers;
					delete run.issued;
					runs[target].push(run);
					console.log(
						`  ${scenario.id}${scenario.events ? `@${scenario.events}` : ""} ${target}: ${Math.round(run.rps)} req/s, p50 ${run.p50?.toFixed(2)} ms, p99 ${run.p99?.toFixed(2)} ms, ${run.cpuPerRequest.toFixed(3)} CPU ms/req`,
					);
				}
			}
			scenarios.push(summarise(scenario, runs));
		};

		const { assets, answers: sampleAnswers } = await ingestSample(runtime.urls, runtime.db);
		answers.push(...sampleAnswers);
		for (const answer of sampleAnswers) issued.add(JSON.parse(answer).event_id);
		for (const size of options.sizes) {
			const loading = new Date();
			await loadBulk(runtime.db, await countEvents(runtime.db), size);
			const events = await countEvents(runtime.db);
			console.log(`${events} events in D1 (loaded in ${seconds(loading)} s)`);
			const cursor = await cursorHalfWay(runtime.urls.receiver, PARTNER_KEY, events);
			for (const lookup of LOOKUPS.filter((l) => wanted(l.id))) {
				const spec = { paths: lookupPaths(lookup, assets, cursor), partnerKey: PARTNER_KEY };
				const workers = [["bare", spec], ...(lookup.floor ? [["floor", spec]] : []), ["receiver", spec]];
				await series({ ...lookup, kind: "lookup", events }, workers);
			}
		}
		for (const scenario of INGESTION.filter((s) => wanted(s.id))) {
			const workers = ["bare", "floor", "receiver"].map((t) => [t, ingestionSpec(scenario, t)]);
			await series({ ...scenario, kind: "ingestion" }, workers, options.evictionMs);
		}
		const consistency = await checkConsistency({
			answers,
			issued,
			unread,
			db: runtime.db,
			receiverUrl: runtime.urls.receiver,
		});
		report({ started, scenarios, consistency });
		return consistency.consistent;
	} finally {
		await runtime.mf.dispose();
	}
}

const seconds = (since) => ((Date.now() - since.getTime()) / 1000).toFixed(1);

function summarise(scenario, runs) {
	const workers = Object.fromEntries(
		Object.entries(runs).map(([target, list]) => [target, { ...medians(list), runs: list }]),
	);
	for (const [target, w] of Object.entries(workers)) {
		if (target !== "bare") w.to_bare = ratios(w, workers.bare ?? null);
		if (target === "receiver" && workers.floor) w.to_floor = ratios(w, workers.floor);
	}
	const { id, name, about, kind, events } = scenario;
	return { id, name, about, kind, events, workers };
}

function report({ started, scenarios, consistency }) {
	const checks = targets(scenarios);
	console.log(`\n${table(scenarios)}\n\n${targetLines(checks)}\n`);
	console.log(
		consistency.consistent ? "consistent" : `INCONSISTENT: ${JSON.stringify(consistency.differences, null, 2)}`,
	);
	if (errors.length)
		console.log(`${errors.length} error lines logged by the workers, first: ${errors[0].slice(0, 300)}`);
	const results = {
		command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`,
		started_at: started.toISOString(),
		finished_at: new Date().toISOString(),
		machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version, loadavg_at_end: loadavg() },
		options,
		scenarios,
		targets: checks,
		consistency,
		worker_errors: { count: errors.length, first: errors.slice(0, 5) },
	};
	writeFileSync(join(root, "bench", "results.json"), `${JSON.stringify(results, null, 2)}\n`);
}

const consistent = await main();
process.exit(consistent ? 0 : 1);
