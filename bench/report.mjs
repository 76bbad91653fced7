// Medians over the rounds, ratios to the baselines, the targets, the table, bench/results.json.
import { cpus, loadavg } from "node:os";

const FIGURES = ["rps", "p50", "p99", "cpu"];
const LABELS = { rps: "req/s", p50: "p50 ms", p99: "p99 ms", cpu: "CPU ms/req" };

const median = (values) => {
	const sorted = values.filter((v) => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
	if (sorted.length === 0) return null;
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Median of each figure over a worker's runs of one scenario. */
function medians(runs) {
	return {
		rps: median(runs.map((r) => r.rps)),
		p50: median(runs.map((r) => r.p50)),
		p99: median(runs.map((r) => r.p99)),
		cpu: median(runs.map((r) => r.cpuPerRequest)),
	};
}

const ratio = (a, b) => (a === null || b === null || b === 0 ? null : a / b);

function ratios(figures, base) {
	return base ? Object.fromEntries(FIGURES.map((f) => [f, ratio(figures[f], base[f])])) : null;
}

const fixed = (v, digits) => (v === null ? "—" : v.toFixed(digits));
const number = (f, v) => (v === null ? "—" : f === "rps" ? String(Math.round(v)) : fixed(v, f === "cpu" ? 3 : 2));

/** A markdown table: each figure with its ratio to bare and to the floor. */
function table(scenarios) {
	const head = `| scenario | worker | ${FIGURES.map((f) => `${LABELS[f]} (×bare, ×floor)`).join(" | ")} |`;
	const rows = [head, `|${" --- |".repeat(FIGURES.length + 2)}`];
	for (const s of scenarios) {
		for (const [worker, w] of Object.entries(s.workers)) {
			const cells = FIGURES.map((f) => {
				const toBare = worker === "bare" ? null : w.to_bare?.[f];
				const toFloor = worker === "receiver" ? w.to_floor?.[f] : null;
				const extra = [toBare, toFloor].map((r) => (r === null || r === undefined ? "" : fixed(r, 2)));
				return extra.some(Boolean) ? `${number(f, w[f])} (${extra.map((e) => e || "—").join(", ")})` : number(f, w[f]);
			});
			rows.push(
				`| ${s.name}${s.events ? ` @ ${s.events.toLocaleString("en")} events` : ""} | ${worker} | ${cells.join(" | ")} |`,
			);
		}
	}
	return rows.join("\n");
}

/** The issue's targets, each with what was measured. */
function targets(scenarios) {
	const checks = [];
	const check = (what, measured, limit, met) =>
		checks.push({ target: what, measured: measured === null ? null : Number(measured.toFixed(3)), limit, met });
	for (const s of scenarios.filter((x) => x.kind === "ingestion")) {
		const { receiver: r, floor: f } = s.workers;
		if (!r) continue;
		if (f) {
			check(`${s.id}: req/s ≥ 0.9× floor`, r.to_floor.rps, 0.9, r.to_floor.rps >= 0.9);
			check(`${s.id}: p99 ≤ 1.2× floor`, r.to_floor.p99, 1.2, r.to_floor.p99 <= 1.2);
			const extra = r.cpu - f.cpu;
			check(`${s.id}: CPU ≤ floor + 0.5 ms/event`, extra, 0.5, extra <= 0.5);
		}
		if (s.id === "duplicate" && r.to_bare)
			check("duplicate: req/s ≥ 0.9× bare", r.to_bare.rps, 0.9, r.to_bare.rps >= 0.9);
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

/** One scenario's figures: each worker's medians, its runs, its ratios to bare and to the floor. */
export function summarise(scenario, runs) {
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

/** Prints the table, the targets and the consistency verdict; returns bench/results.json's content. */
export function report({ started, options, scenarios, consistency, failedRuns, errors }) {
	const checks = targets(scenarios);
	console.log(`\n${table(scenarios)}\n\n${targetLines(checks)}\n`);
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
		targets: checks,
		consistency,
		failed_runs: failedRuns,
		worker_errors: { count: errors.length, first: errors.slice(0, 5) },
	};
}
