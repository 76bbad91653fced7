/// <reference types="node" />
/** What the CLI shows while a run goes: a line per webhook, or for large runs a progress bar. */
import { outcomeLine, progressBar } from "./report";
import type { Outcome } from "./run";

/** Past this many webhooks a progress bar replaces the line per webhook (unless --verbose). */
const LINE_PER_WEBHOOK_UP_TO = 300;
/** Under the progress bar, rejections still get their line, up to this many. */
const REJECTIONS_SHOWN = 10;

/** Prints a line per webhook, or for large runs a progress bar (redrawn on a terminal). */
export function reporter(
	total: number,
	verbose: boolean,
	started: number,
): { onOutcome: (o: Outcome) => void; done: () => void } {
	if (verbose || total <= LINE_PER_WEBHOOK_UP_TO)
		return { onOutcome: (o) => console.log(outcomeLine(o)), done: () => {} };
	const tty = process.stdout.isTTY;
	let done = 0;
	let rejections = 0;
	let drawnAt = 0;
	let drawnDone = 0;
	// On a terminal the bar is redrawn in place ten times a second; in a log, a line per 10%.
	const due = () => (tty ? Date.now() - drawnAt >= 100 : done - drawnDone >= Math.ceil(total / 10));
	const draw = () => {
		const bar = progressBar(done, total, Date.now() - started);
		if (tty) process.stdout.write(`\r${bar}`);
		else console.log(bar);
		drawnAt = Date.now();
		drawnDone = done;
	};
	return {
		onOutcome: (o) => {
			done++;
			if (o.answer === "rejected" && ++rejections <= REJECTIONS_SHOWN) {
				console.log(
					`\n${outcomeLine(o)}${rejections === REJECTIONS_SHOWN ? "\n(further rejections only counted)" : ""}`,
				);
			}
			if (due() || done === total) draw();
		},
		done: () => {
			if (tty) process.stdout.write("\n");
		},
	};
}
