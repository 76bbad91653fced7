// What an event costs on the Workers Paid plan: the operations the bench counts (operations.mjs)
// at Cloudflare's published prices, in dollars per million requests of a scenario. Usage beyond
// the plan's monthly allowances is priced; the allowances and the $5 monthly base are left out,
// so this is the cost of one more million events. Prices read 2026-12-01 from the pages below.
// See docs/PERFORMANCE.md, "What a million events cost".

const WORKERS = "https://developers.cloudflare.com/workers/platform/pricing/";
const DURABLE_OBJECTS = "https://developers.cloudflare.com/durable-objects/platform/pricing/";
const D1 = "https://developers.cloudflare.com/d1/platform/pricing/";
const QUEUES = "https://developers.cloudflare.com/queues/platform/pricing/";
const R2 = "https://developers.cloudflare.com/r2/pricing/";

/** Dollars per unit, by what the bench counts; `source` is where the price is published. */
export const PRICES = {
	requests: { label: "Worker requests", per_million: 0.3, source: WORKERS },
	cpu_ms: { label: "CPU ms", per_million: 0.02, source: WORKERS },
	do_requests: { label: "DO requests", per_million: 0.15, source: DURABLE_OBJECTS },
	ledger_rows_read: { label: "ledger rows read", per_million: 0.001, source: DURABLE_OBJECTS },
	ledger_rows_written: { label: "ledger rows written", per_million: 1.0, source: DURABLE_OBJECTS },
	d1_rows_read: { label: "D1 rows read", per_million: 0.001, source: D1 },
	d1_rows_written: { label: "D1 rows written", per_million: 1.0, source: D1 },
	queue_operations: { label: "Queue operations", per_million: 0.4, source: QUEUES },
	r2_class_a: { label: "R2 class A", per_million: 4.5, source: R2 },
	r2_class_b: { label: "R2 class B", per_million: 0.36, source: R2 },
};

/**
 * Per million requests of a run: dollars per line and in all. Consumer invocations are priced
 * as Worker requests (an upper bound: the pricing page does not say), the backstop alarms a
 * ledger set but that run after the measurement as DO requests, and CPU at the local runtime's
 * CPU per request, which also pays for the local Queue broker and D1 (an upper bound too).
 */
export function costPerMillion(operations, cpuMsPerRequest) {
	const units = {
		requests: operations.worker_requests + operations.consumer_invocations,
		cpu_ms: cpuMsPerRequest,
		do_requests: operations.do_requests + (operations.backstop_alarms ?? 0),
		ledger_rows_read: operations.ledger_rows_read,
		ledger_rows_written: operations.ledger_rows_written,
		d1_rows_read: operations.d1_rows_read,
		d1_rows_written: operations.d1_rows_written,
		queue_operations: operations.queue_operations,
		r2_class_a: operations.r2_class_a,
		r2_class_b: operations.r2_class_b,
	};
	const lines = Object.fromEntries(Object.entries(units).map(([k, n]) => [k, (n ?? 0) * PRICES[k].per_million]));
	return { lines, total: Object.values(lines).reduce((sum, d) => sum + d, 0) };
}

/** A markdown table: dollars per million requests, by line, for each metered worker of each ingestion scenario. */
export function costTable(scenarios) {
	const keys = Object.keys(PRICES);
	const head = `| scenario | worker | ${keys.map((k) => PRICES[k].label).join(" | ")} | total |`;
	const rows = [head, `|${" --- |".repeat(keys.length + 3)}`];
	for (const s of scenarios.filter((x) => x.kind === "ingestion")) {
		for (const [worker, w] of Object.entries(s.workers)) {
			if (!w.operations) continue;
			const { lines, total } = costPerMillion(w.operations, w.cpu);
			rows.push(`| ${s.name} | ${worker} | ${keys.map((k) => dollars(lines[k])).join(" | ")} | ${dollars(total)} |`);
		}
	}
	return rows.join("\n");
}

const dollars = (d) => `$${d < 0.01 && d > 0 ? "<0.01" : d.toFixed(2)}`;
