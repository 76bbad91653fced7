// One measured run of one worker: a load process warms up, the runtime is let settle, then the
// load runs while the runtime's CPU is counted, up to the moment it is idle again; the worker's
// billed operations are read before and after (bench/operations.mjs).
import { fork } from "node:child_process";
import { join } from "node:path";
import { loadAverage, treeCpuMs, waitUntilIdle } from "./cpu.mjs";
import { operationsPer, readCounters } from "./operations.mjs";

const message = (child) =>
	new Promise((resolve, reject) => {
		child.once("message", resolve);
		child.once("exit", (code) => reject(new Error(`the load process exited (${code}) before answering`)));
	});

/**
 * `settled()` tells whether the runtime still owes work for this load (the receiver's and full's
 * queues); `evictionMs`, when the load created Durable Objects, how long to wait for workerd to
 * evict them (it does ~10 s after their last request), so that their eviction is counted too.
 * `drain()`, when the run leaves work whose end is a figure of its own (deliveries to forward),
 * waits for it right after the load and answers how long it took (`drainMs`).
 * `around.start()`/`around.stop()` bracket the measured part (bench/profile.mjs's profiler).
 */
export async function measure(
	runtime,
	{ target, spec, connections, warmupMs, durationMs, quietMs, settled, evictionMs = 0, drain, around },
) {
	const child = fork(join(import.meta.dirname, "load.mjs"), {
		execArgv: ["--import", "tsx", "--disable-warning=ExperimentalWarning"],
	});
	try {
		child.send({ url: runtime.urls[target], spec, connections, warmupMs, durationMs });
		const { warmup } = await message(child);
		await waitUntilIdle(runtime.pid, { quietMs, done: settled });
		const countersBefore = await readCounters(runtime.urls[target]);
		const loadBefore = loadAverage()[0];
		await around?.start();
		const cpuBefore = treeCpuMs(runtime.pid);
		child.send({ type: "go" });
		const { run, answers, issued, unread } = await message(child);
		const drainMs = drain ? await drain() : undefined;
		const idle = await waitUntilIdle(runtime.pid, { quietMs, done: settled, minMs: evictionMs });
		const cpuMs = treeCpuMs(runtime.pid) - cpuBefore;
		await around?.stop();
		const countersAfter = await readCounters(runtime.urls[target]);
		return {
			target,
			warmup,
			...run,
			cpuMs,
			cpuPerRequest: cpuMs / run.requests,
			operations: operationsPer(countersBefore, countersAfter),
			drainMs,
			settleMs: idle.waitedMs,
			settled: idle.idle,
			loadavg: [loadBefore, loadAverage()[0]],
			answers,
			issued,
			unread,
		};
	} finally {
		child.kill();
	}
}

/**
 * Whether the receiver consumed every event its ledgers sent to the Queue, and full stored every
 * message in D1; and `more()`, when a scenario owes more (its deliveries).
 */
export const settledFor =
	(urls, more = async () => true) =>
	async () => {
		const totals = await (await fetch(`${urls.receiver}/__bench/notifications?totals`)).json();
		const full = await (await fetch(`${urls.full}/__bench/settled`)).json();
		return totals.consumed >= totals.sent && full.settled && (await more());
	};
