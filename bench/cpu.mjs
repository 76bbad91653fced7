// CPU of the runtime's process tree, read from /proc: utime + stime of workerd and its
// descendants, in milliseconds. Linux only.
import { readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";

const TICK_MS = 10; // USER_HZ is 100 on Linux

function stat(pid) {
	try {
		const text = readFileSync(`/proc/${pid}/stat`, "utf8");
		// The command name is in parentheses and may hold spaces: split after it.
		const [name, rest] = [
			text.slice(text.indexOf("(") + 1, text.lastIndexOf(")")),
			text.slice(text.lastIndexOf(")") + 2).split(" "),
		];
		return { pid, name, ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]) };
	} catch {
		return null; // gone meanwhile
	}
}

function processes() {
	return readdirSync("/proc")
		.filter((d) => /^\d+$/.test(d))
		.map(stat)
		.filter(Boolean);
}

/** The workerd that this process spawned (Miniflare starts it as a direct child). */
export function workerdPid(parent) {
	const found = processes().find((p) => p.ppid === parent && p.name.startsWith("workerd"));
	if (!found) throw new Error("no workerd child process found");
	return found.pid;
}

/** CPU milliseconds used so far by `pid` and every process below it. */
export function treeCpuMs(pid) {
	const all = processes();
	const tree = new Set([pid]);
	for (let size = 0; size !== tree.size; ) {
		size = tree.size;
		for (const p of all) if (tree.has(p.ppid)) tree.add(p.pid);
	}
	return all.filter((p) => tree.has(p.pid)).reduce((sum, p) => sum + p.ticks * TICK_MS, 0);
}

/**
 * Waits until the tree's CPU stops increasing for `quietMs` (at most `maxMs`), so the work
 * left after the load (queue consumer, alarms, receipts) is counted; never before `minMs`,
 * and `done` may hold it back too.
 */
export async function waitUntilIdle(
	pid,
	{ quietMs = 1200, minMs = 0, maxMs = 120_000, stepMs = 200, done = async () => true } = {},
) {
	const started = Date.now();
	let last = treeCpuMs(pid);
	let quietSince = Date.now();
	while (Date.now() - started < maxMs) {
		await new Promise((r) => setTimeout(r, stepMs));
		const now = treeCpuMs(pid);
		if (now > last + TICK_MS) {
			last = now;
			quietSince = Date.now();
		} else if (Date.now() - quietSince >= quietMs && Date.now() - started >= minMs && (await done())) {
			return { idle: true, waitedMs: Date.now() - started };
		}
	}
	return { idle: false, waitedMs: Date.now() - started };
}

export const loadAverage = () => loadavg().map((l) => Math.round(l * 100) / 100);
