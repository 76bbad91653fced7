// Medians over the rounds, ratios to the baselines, the targets, the tables, bench/results.json.
import { cpus, loadavg } from "node:os";
import { capacityLines } from "./capacity.mjs";
import { OPERATIONS, operationsTable } from "./operations.mjs";

const FIGURES = ["rps", "p50", "p99", "cpu"];
const LABELS = { rps: "req/s", p50: "p50 ms", p99: "p99 ms", cpu: "CPU ms/req" };

const median = (values) => {
	const sorted = values.filter((v) => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
	if (sorted.length === 0) return null;
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Median of each figure over a worker's runs of one scenario; its operations per request likewise. */
function medians(runs) {
	const metered = runs.filter((r) => r.operations);
	return {
		rps: median(runs.map((r) => r.rps)),
		p50: median(runs.map((r) => r.p50)),
		p99: median(runs.map((r) => r.p99)),
		cpu: median(runs.map((r) => r.cpuPerRequest)),
		operations: metered.length
			? Object.fromEntries(
					[...Object.keys(OPERATIONS), "d1_unmetered"].map((k) => [k, median(metered.map((r) => r.operations[k]))]),
				)
			: null,
	};
}

/** The baselines, and those each worker is compared with. */
const BASES = ["bare", "floor", "full"];
const COMPARED = { bare: [], floor: ["bare"], full: ["bare", "floor"], receiver: BASES };

const ratio = (a, b) => (a === null || b === null || b === 0 ? null : a / b);

function ratios(figures, base) {
	return base ? Object.fromEntries(FIGURES.map((f) => [f, ratio(figures[f], base[f])])) : null;
}

const fixed = (v, digits) => (v === null ? "—" : v.toFixed(digits));
const number = (f, v) => (v === null ? "—" : f === "rps" ? String(Math.round(v)) : fixed(v, f === "cpu" ? 3 : 2));

/** A markdown table: each figure with its ratio to bare, to the floor and to full. */
function table(scenarios) {
	const head = `| scenario | worker | ${FIGURES.map((f) => `${LABELS[f]} (×bare, ×floor, ×full)`).join(" | ")} |`;
	const rows = [head, `|${" --- |".repeat(FIGURES.length + 2)}`];
	for (const s of scenarios) {
		for (const [worker, w] of Object.entries(s.workers)) {
			const cells = FIGURES.map((f) => {
				const extra = BASES.map((base) => w[`to_${base}`]?.[f]).map((r) => (r == null ? "" : fixed(r, 2)));
				return extra.some(Boolean) ? `${number(f, w[f])} (${extra.map((e) => e || "—").join(", ")})` : number(f, w[f]);
			});
			rows.push(
				`| ${s.name}${s.events ? ` @ ${s.events.toLocaleString("en")} events` : ""} | ${worker} | ${cells.join(" | ")} |`,
			);
		}
	}
	return rows.join("\n");
}

/** The scenarios whose targets are set against `full` (the duplicate path's is against the floor). */
const AGAINST_FULL = ["unique-hs256", "unique-es512", "mix"];

/** The issue's targets, each with what was measured. */
function targets(scenarios) {
	const checks = [];
	const check = (what, measured, limit, met) =>
		checks.push({ target: what, measured: measured === null ? null : Number(measured.toFixed(3)), limit, met });
	for (const s of scenarios.filter((x) => x.kind === "ingestion")) {
		const { receiver: r, full } = s.workers;
		if (r?.to_full && AGAINST_FULL.includes(s.id)) {
			check(`${s.id}: req/s ≥ 0.9× full`, r.to_full.rps, 0.9, r.to_full.rps >= 0.9);
			check(`${s.id}: p99 ≤ 1.2× full`, r.to_full.p99, 1.2, r.to_full.p99 <= 1.2);
			const extra = r.cpu - full.cpu;
			check(`${s.id}: CPU ≤ full + 0.3 ms/event`, extra, 0.3, extra <= 0.3);
		}
		if (r?.to_floor && s.id === "duplicate")
			check("duplicate: req/s ≥ 0.9× floor", r.to_floor.rps, 0.9, r.to_floor.rps >= 0.9);
	}
	const lookups = scenarios.filter((x) => x.kind === "lookup");
	for (const big of lookups.filter((x) => x.events >= 100_000)) {
		const small = lookups.find((x) => x.id === big.id && x.events < big.events);
		if (!small) continue;
		const growth = ratio(big.workers.receiver?.p50 ?? null, small.workers.receiver?.p50 ?? null);
		if (growth === null) continue;
		check(`${big.id}: p50 at ${big.events} events ≤ 1.5× p50 at ${small.events}`, growth, 1.5, growth <= 1.5);
	}
	return checks;
}

function targetLines(checks) {
	return checks
		.map(
			(c) =>
				`${c.met ? "met   " : "MISSED"} ${c.target}: ${c.measured === null ? "—" : c.measured.toFixed(2)} (limit ${c.limit})`,
		)
		.join("\n");
}

/** One scenario's figures: each worker's medians, its runs, its ratios to the baselines before it. */
export function summarise(scenario, runs) {
	const workers = Object.fromEntries(
		Object.entries(runs).map(([target, list]) => [target, { ...medians(list), runs: list }]),
	);
	for (const [target, w] of Object.entries(workers)) {
		for (const base of COMPARED[target].filter((b) => workers[b])) w[`to_${base}`] = ratios(w, workers[base]);
	}
	const { id, name, about, kind, events } = scenario;
	return { id, name, about, kind, events, workers };
}

/** Prints the table, the targets and the consistency verdict; returns bench/results.json's content. */
export function report({ started, options, scenarios, capacity, rowsRead, consistency, failedRuns, errors }) {
	const checks = targets(scenarios);
	console.log(
		`\n${table(scenarios)}\n\nOperations per request:\n\n${operationsTable(scenarios)}\n\n${capacityLines(capacity)}\n\n${targetLines(checks)}\n`,
	);
	console.log(
		consistency.consistent ? "consistent" : `INCONSISTENT: ${JSON.stringify(consistency.differences, null, 2)}`,
	);
	for (const f of failedRuns)
		console.log(`FAILED RUN: ${f.worker} in ${f.scenario} answered ${JSON.stringify(f.statuses)}`);
	if (errors.length)
		console.log(`${errors.length} error lines logged by the workers, first: ${errors[0].slice(0, 300)}`);
	return {
		command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`,
		started_at: started.toISOString(),
		finished_at: new Date().toISOString(),
		machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version, loadavg_at_end: loadavg() },
		options,
		scenarios,
		capacity,
		lookup_rows_read: rowsRead,
		targets: checks,
		consistency,
		failed_runs: failedRuns,
		worker_errors: { count: errors.length, first: errors.slice(0, 5) },
	};
}
