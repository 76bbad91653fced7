// The operations Cloudflare bills, per request of a run: the difference of a worker's counters
// (bench/meters, GET /__bench/counters) before and after the run, divided by the requests the
// worker itself counted (those still in flight when the load stopped included, unlike the
// answers the load read). See docs/PERFORMANCE.md, "What an event costs".
import { COUNTERS_PATH } from "./meters/counters.ts";

/** A worker's counters, or null for a worker without meters (bare). */
export async function readCounters(url) {
	const counters = await (await fetch(`${url}${COUNTERS_PATH}`)).json();
	return "worker_requests" in counters ? counters : null;
}

export const OPERATIONS = {
	worker_requests: "Worker requests",
	consumer_invocations: "consumer invocations",
	do_requests: "DO requests",
	backstop_alarms: "backstop alarms",
	ledger_rows_read: "ledger rows read",
	ledger_rows_written: "ledger rows written",
	d1_rows_read: "D1 rows read",
	d1_rows_written: "D1 rows written",
	queue_operations: "Queue operations",
	r2_class_a: "R2 class A",
	r2_class_b: "R2 class B",
};

/** Per request: what the OPERATIONS name, and the counts they come from (`counted`, per request). */
export function operationsPer(before, after) {
	const requests = after && before ? after.worker_requests - before.worker_requests : 0;
	if (requests === 0) return null;
	const d = Object.fromEntries(Object.keys(after).map((k) => [k, (after[k] - before[k]) / requests]));
	return {
		requests,
		worker_requests: d.worker_requests,
		consumer_invocations: d.consumer_batches,
		do_requests: d.do_requests,
		// Each alarm set runs once, later: LEDGER_CONFIRM_AFTER_SECONDS is beyond the bench's runs.
		backstop_alarms: d.alarms_set,
		ledger_rows_read: d.ledger_rows_read,
		// Cloudflare bills each setAlarm() as one row written.
		ledger_rows_written: d.ledger_rows_written + d.alarms_set,
		d1_rows_read: d.d1_rows_read,
		d1_rows_written: d.d1_rows_written,
		// Each message is written, read (again on each retry) and deleted: one operation per 64 KB each.
		queue_operations: 2 * d.queue_sent + d.queue_delivered,
		r2_class_a: d.r2_class_a ?? 0,
		r2_class_b: d.r2_class_b ?? 0,
		d1_unmetered: d.d1_unmetered,
		counted: d,
	};
}

const number = (v) => (v === null || v === undefined ? "—" : v < 10 ? v.toFixed(2) : v.toFixed(1));
/** D1 reports no rows for some queries (drizzle's selects go through `raw()`): those rows are missing. */
const cell = (operations, key) =>
	`${number(operations[key])}${key === "d1_rows_read" && operations.d1_unmetered > 0 ? "*" : ""}`;

/** A markdown table: each metered worker's operations per request, the median of its rounds. */
export function operationsTable(scenarios) {
	const head = `| scenario | worker | ${Object.values(OPERATIONS).join(" | ")} |`;
	const rows = [head, `|${" --- |".repeat(Object.keys(OPERATIONS).length + 2)}`];
	for (const s of scenarios) {
		for (const [worker, w] of Object.entries(s.workers)) {
			if (!w.operations) continue;
			const cells = Object.keys(OPERATIONS).map((k) => cell(w.operations, k));
			rows.push(
				`| ${s.name}${s.events ? ` @ ${s.events.toLocaleString("en")} events` : ""} | ${worker} | ${cells.join(" | ")} |`,
			);
		}
	}
	rows.push("", "\\* plus the rows of the queries D1 reports none for (drizzle's selects, through `raw()`)");
	return rows.join("\n");
}
