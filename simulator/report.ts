/** The simulator's text: one line per webhook, a progress bar, the summary tables. */
import type { Outcome } from "./run";
import { type EntityResult, endedAsDocumented, type FlowSummary, mismatches } from "./summary";

/** Past this many entities, only the mismatched ones are listed one by one. */
const LISTED_ENTITIES = 30;

export function outcomeLine(o: Outcome): string {
	const w = o.webhook;
	const answer = o.answer === "rejected" ? `rejected (${o.reason})` : `${o.answer} → ${o.entityStatus}`;
	const notes = [w.copy > 0 ? "resend" : "", o.attempts > 1 ? `attempt ${o.attempts}` : ""].filter(Boolean);
	const note = notes.length > 0 ? ` [${notes.join(", ")}]` : "";
	return `${w.type.padEnd(56)} ${`${w.kind}:${w.key}`.padEnd(62)} ${w.status.padEnd(34)} ${String(o.http).padStart(3)} ${answer}${note}  ${o.latencyMs} ms`;
}

export function progressBar(done: number, total: number, elapsedMs: number, width = 30): string {
	const filled = total === 0 ? width : Math.round((done / total) * width);
	const rate = elapsedMs > 0 ? Math.round((done * 1000) / elapsedMs) : 0;
	const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
	return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${String(percent).padStart(3)}% ${done}/${total} ${rate}/s`;
}

export function throughputLine(sent: number, elapsedMs: number, concurrency: number): string {
	const rate = elapsedMs > 0 ? ((sent * 1000) / elapsedMs).toFixed(1) : "-";
	return `${sent} webhooks in ${(elapsedMs / 1000).toFixed(2)} s: ${rate} webhooks/s (${concurrency} lanes at a time)`;
}

const COLUMNS = ["flow", "sent", "accepted", "duplicate", "stale", "rejected", "final status"];

export function summaryTable(summaries: readonly FlowSummary[], unchecked: string | null): string {
	const rows = summaries.map((s) => {
		const ok = s.entities.filter(endedAsDocumented).length;
		const counts = [s.sent, s.accepted, s.duplicate, s.stale, s.rejected].map(String);
		return [s.flow, ...counts, `${ok}/${s.entities.length} as documented`];
	});
	const lines = [table([COLUMNS, ...rows]), "", readBackLine(summaries, unchecked)];
	const entities = summaries.flatMap((s) => s.entities);
	const listed = entities.length <= LISTED_ENTITIES ? entities : mismatches(summaries);
	if (listed.length > 0)
		lines.push(
			"",
			table([["entity", "documented", "answered", "read back"], ...listed.map((e) => entityRow(e, unchecked))]),
		);
	return lines.join("\n");
}

function readBackLine(summaries: readonly FlowSummary[], unchecked: string | null): string {
	const entities = summaries.flatMap((s) => s.entities);
	const checked = entities.filter((e) => e.readBack !== undefined).length;
	const why = unchecked ? ` (${unchecked})` : "";
	if (checked === 0) return `final statuses read back from the lookup API: not checked${why}`;
	return `final statuses read back from the lookup API: ${checked} of ${entities.length} entities${why}`;
}

function entityRow(e: EntityResult, unchecked: string | null): string[] {
	const readBack =
		e.readBack === undefined ? `not checked${unchecked ? ` (${unchecked})` : ""}` : (e.readBack ?? "not found");
	return [`${endedAsDocumented(e) ? "  " : "✗ "}${e.kind}:${e.key}`, e.final, e.answered ?? "none", readBack];
}

function table(rows: string[][]): string {
	const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
	const numeric = widths.map((_, i) => rows.slice(1).every((r) => /^\d+$/.test(r[i])));
	return rows
		.map((r) =>
			r
				.map((cell, i) => (numeric[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
				.join("  ")
				.trimEnd(),
		)
		.join("\n");
}
