// `npm run bench:profile -- --scenario duplicate [--worker floor]`: one run of an ingestion
// scenario with V8's sampling profiler on the worker's isolate (the receiver's: its routes, its
// ledgers, its Queue consumers). Prints where the isolate's time goes, by function (self) and by the project's
// own steps (inclusive), next to the CPU of the whole runtime, so what is left is the work
// outside the isolate: the local Queue broker, D1 and workerd itself. Writes the profile to
// bench/out/<scenario>.cpuprofile (open it in Chrome DevTools). The inspector adds overhead:
// read the shares, not the absolute figures; `npm run bench` measures with it off.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { withForwarding } from "./forwarding.mjs";
import { measure, settledFor } from "./measure.mjs";
import { out, startRuntime } from "./runtime.mjs";
import { INGESTION, ingestionSpec } from "./scenarios.mjs";

const { values: args } = parseArgs({
	options: {
		scenario: { type: "string", default: "duplicate" },
		duration: { type: "string", default: "5" },
		connections: { type: "string", default: "16" },
		port: { type: "string", default: "9231" },
		worker: { type: "string", default: "receiver" },
	},
});
const scenario = INGESTION.find((s) => s.id === args.scenario);
if (!scenario) throw new Error(`--scenario is one of ${INGESTION.map((s) => s.id).join(", ")}`);
const worker = args.worker;
if (!["receiver", "floor", "full"].includes(worker)) throw new Error("--worker is receiver, floor or full");

/** The project's own steps, matched by function name in the bundle. */
const STEPS = {
	"signature verification": /^verifySignature$/,
	"classify (zod, event identity)": /^classify$/,
	"ledger record()": /^record$/,
	"ledger drain (alarm)": /^drain$/,
	"events consumer (D1 history, fan-out)": /^consumeEvents$|^fanOut$/,
	"delivery consumer (ordering, attempts)": /^consumeDeliveries$/,
	"receipts flush": /^flushSoon$/,
	"console.log": /^log$/,
};

function connect(url) {
	// Miniflare's inspector proxy admits only local origins.
	const ws = new WebSocket(url, { headers: { origin: "http://localhost" } });
	let next = 0;
	const waiting = new Map();
	ws.onmessage = ({ data }) => {
		const msg = JSON.parse(data);
		waiting.get(msg.id)?.(msg);
		waiting.delete(msg.id);
	};
	const send = (method, params = {}) =>
		new Promise((resolve, reject) => {
			const id = ++next;
			waiting.set(id, (msg) => (msg.error ? reject(new Error(JSON.stringify(msg.error))) : resolve(msg.result)));
			ws.send(JSON.stringify({ id, method, params }));
		});
	return new Promise((resolve, reject) => {
		ws.onopen = () => resolve({ send, close: () => ws.close() });
		ws.onerror = reject;
	});
}

/** Self and inclusive milliseconds per function, from the samples. */
function attribute(profile) {
	const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
	const parent = new Map();
	for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
	const name = (n) => n.callFrame.functionName || `(anonymous ${n.callFrame.lineNumber}:${n.callFrame.columnNumber})`;
	const self = new Map();
	const inclusive = new Map();
	let total = 0;
	profile.samples.forEach((id, i) => {
		const ms = (profile.timeDeltas[i] ?? 0) / 1000;
		const node = nodes.get(id);
		if (name(node) === "(idle)") return;
		total += ms;
		self.set(name(node), (self.get(name(node)) ?? 0) + ms);
		const seen = new Set();
		for (let at = id; at !== undefined; at = parent.get(at)) {
			const n = name(nodes.get(at));
			if (!seen.has(n)) inclusive.set(n, (inclusive.get(n) ?? 0) + ms);
			seen.add(n);
		}
	});
	return { self, inclusive, total };
}

const runtime = await startRuntime({
	onError: (m) => console.error(m),
	inspect: worker,
	inspectorPort: Number(args.port),
});
try {
	const inspector = await connect(`ws://127.0.0.1:${args.port}/${worker}`);
	await inspector.send("Profiler.enable");
	await inspector.send("Profiler.setSamplingInterval", { interval: 100 });
	let profile;
	let run;
	const profiled = async (owed = {}) => {
		run = await measure(runtime, {
			target: worker,
			spec: ingestionSpec(scenario, worker),
			connections: Number(args.connections),
			warmupMs: 1000,
			durationMs: Number(args.duration) * 1000,
			quietMs: 1200,
			settled: settledFor(runtime.urls, owed.settled),
			drain: worker === "receiver" ? owed.drain : undefined,
			around: {
				start: () => inspector.send("Profiler.start"),
				stop: async () => {
					profile = (await inspector.send("Profiler.stop")).profile;
				},
			},
		});
	};
	if (scenario.forwarding) await withForwarding(runtime, profiled);
	else await profiled();
	inspector.close();
	const file = join(out, `${scenario.id}-${worker}.cpuprofile`);
	writeFileSync(file, JSON.stringify(profile));
	const { self, inclusive, total } = attribute(profile);
	const perRequest = (ms) => `${((ms / run.requests) * 1000).toFixed(0).padStart(5)} µs/req`;
	const share = (ms) => `${((ms / total) * 100).toFixed(1).padStart(5)} %`;
	console.log(`\n${scenario.id}, ${worker}: ${run.requests} requests, ${Math.round(run.rps)} req/s (inspector on)`);
	console.log(`runtime process tree: ${perRequest(run.cpuMs)}; ${worker} isolate busy: ${perRequest(total)}`);
	console.log(`outside the isolate (local Queue broker, D1, workerd): ${perRequest(run.cpuMs - total)}\n`);
	console.log("the project's steps (inclusive):");
	for (const [step, pattern] of Object.entries(STEPS)) {
		const ms = [...inclusive].filter(([n]) => pattern.test(n)).reduce((sum, [, v]) => sum + v, 0);
		if (ms > 0) console.log(`  ${perRequest(ms)} ${share(ms)}  ${step}`);
	}
	console.log("\nfunctions by self time:");
	for (const [n, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30))
		console.log(`  ${perRequest(ms)} ${share(ms)}  ${n}`);
	console.log(`\nprofile: ${file}`);
} finally {
	await runtime.mf.dispose();
}
