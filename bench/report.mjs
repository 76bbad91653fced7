// Medians over the rounds, ratios to the baselines, the targets, the tables, bench/results.json.
import { cpus, loadavg } from "node:os";
import { capacityLines } from "./capacity.mjs";
import { forwardingLines } from "./forwarding.mjs";
import { OPERATIONS, operationsTable } from "./operations.mjs";
import { costTable } from "./prices.mjs";

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
const AGAINST_FULL = ["unique-hs256", "unique-es512", "mix", "mix-drift", "mix-forwarding"];
/** The mix with one of the receiver's features at work: compared with the plain mix's receiver too. */
const AGAINST_MIX = ["mix-drift", "mix-forwarding"];
/** The operations per event that the comparison with the mix shows. */
const MIX_OPERATIONS = ["do_requests", "d1_rows_read", "d1_rows_written", "queue_operations"];

const difference = (a, b) => (a == null || b == null ? null : a - b);
const signed = (v, digits) => (v === null ? "—" : `${v >= 0 ? "+" : ""}${v.toFixed(digits)}`);

/** Each AGAINST_MIX scenario's receiver next to the mix's: ratios of req/s and p99, differences of the rest. */
function againstMix(scenarios) {
	const mix = scenarios.find((s) => s.id === "mix")?.workers.receiver;
	if (!mix) return [];
	return scenarios
		.filter((s) => AGAINST_MIX.includes(s.id) && s.workers.receiver)
		.map(({ id, workers: { receiver: r } }) => ({
			id,
			to_mix: { rps: ratio(r.rps, mix.rps), p99: ratio(r.p99, mix.p99) },
			plus_mix: Object.fromEntries([
				["cpu", difference(r.cpu, mix.cpu)],
				...MIX_OPERATIONS.map((k) => [k, difference(r.operations?.[k], mix.operations?.[k])]),
			]),
			figures: { rps: r.rps, p99: r.p99, cpu: r.cpu, ...r.operations },
		}));
}

function mixTable(rows) {
	const names = MIX_OPERATIONS.map((k) => `${OPERATIONS[k]} (+mix)`);
	const head = `| scenario | req/s (×mix) | p99 ms (×mix) | CPU ms/event (+mix) | ${names.join(" | ")} |`;
	const lines = rows.map(({ id, to_mix, plus_mix, figures }) => {
		const cells = [
			`${number("rps", figures.rps)} (${fixed(to_mix.rps, 2)})`,
			`${number("p99", figures.p99)} (${fixed(to_mix.p99, 2)})`,
			`${number("cpu", figures.cpu)} (${signed(plus_mix.cpu, 3)})`,
			...MIX_OPERATIONS.map((k) => `${fixed(figures[k] ?? null, 2)} (${signed(plus_mix[k], 2)})`),
		];
		return `| ${id} | ${cells.join(" | ")} |`;
	});
	return [head, `|${" --- |".repeat(MIX_OPERATIONS.length + 4)}`, ...lines].join("\n");
}

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
		const mix = scenarios.find((x) => x.id === "mix")?.workers.receiver;
		if (r && mix && AGAINST_MIX.includes(s.id)) {
			// The issue's "ingestion throughput must not drop", with the tolerances of the targets above.
			check(`${s.id}: req/s ≥ 0.9× mix`, ratio(r.rps, mix.rps), 0.9, ratio(r.rps, mix.rps) >= 0.9);
			check(`${s.id}: p99 ≤ 1.2× mix`, ratio(r.p99, mix.p99), 1.2, ratio(r.p99, mix.p99) <= 1.2);
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
	const mixRows = againstMix(scenarios);
	console.log(
		`\n${table(scenarios)}\n\nOperations per request:\n\n${operationsTable(scenarios)}\n\nDollars per million requests (bench/prices.mjs):\n\n${costTable(scenarios)}\n\n${capacityLines(capacity)}\n\n${targetLines(checks)}\n`,
	);
	if (mixRows.length) console.log(`Against the mix (the receiver's):\n\n${mixTable(mixRows)}\n`);
	for (const s of scenarios.filter((x) => x.forwarding)) console.log(`${forwardingLines(s)}\n`);
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
		against_mix: mixRows,
		consistency,
		failed_runs: failedRuns,
		worker_errors: { count: errors.length, first: errors.slice(0, 5) },
	};
}
