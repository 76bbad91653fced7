// One workerd process with the workers of the benchmark, each on its own loopback socket, no
// inspector: the receiver as deployed (bundled by `wrangler deploy --dry-run`, with local D1,
// Durable Objects and Queues), the three baselines and the stand-in partner its destinations
// point at in the forwarding scenario. Fresh storage on every start.
import { execFile } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { parseDotenv } from "../simulator/dev-vars.ts";
import { workerdPid } from "./cpu.mjs";

export const root = join(import.meta.dirname, "..");
export const out = join(root, "bench", "out");

/** The committed dev-only values: the same keys whatever a developer's .dev.vars holds. */
export const devVars = parseDotenv(readFileSync(join(root, ".dev.vars.example"), "utf8"));

export const PARTNER_KEY = "bench-partner-key";
export const ADMIN_KEY = "bench-admin-key";

/**
 * The receiver's settings for the bench: its API keys, and for the forwarding scenario
 * destinations on the partner's loopback socket, retried after ~1 s instead of 5.
 */
const SETTINGS = {
	PARTNER_API_KEYS: PARTNER_KEY,
	ADMIN_API_KEYS: ADMIN_KEY,
	ALLOW_INSECURE_DESTINATIONS: "true",
	DELIVERY_RETRY_BASE_SECONDS: "1",
	// The ledgers' backstop alarms run after the measurement, not in a later run's figures
	// (bench/operations.mjs counts them as they are set).
	LEDGER_CONFIRM_AFTER_SECONDS: "3600",
};

/** A console session of the bench's admin key: its cookie, as a browser sends it back. */
export async function consoleSession(url) {
	const response = await fetch(`${url}/console/sign-in`, {
		method: "POST",
		headers: { origin: url, "content-type": "application/x-www-form-urlencoded" },
		body: new URLSearchParams({ key: ADMIN_KEY }),
		redirect: "manual",
	});
	const cookie = response.headers.getSetCookie().find((c) => c.startsWith("console_session="));
	if (response.status !== 303 || !cookie) throw new Error(`console sign-in answered ${response.status}`);
	return cookie.split(";")[0];
}

const WORKERS = [
	{ name: "receiver", config: "wrangler.toml", entry: "bench/receiver.ts" },
	{ name: "bare", config: "bench/baselines/bare.toml" },
	{ name: "floor", config: "bench/baselines/floor.toml" },
	{ name: "full", config: "bench/baselines/full.toml" },
	{ name: "partner", config: "bench/baselines/partner.toml" },
];

/** Bundles a worker as `wrangler deploy` would upload it. */
function bundle({ name, config, entry }) {
	const dir = join(out, "bundles", name);
	const wrangler = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
	const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };
	const args = [wrangler, "deploy", ...(entry ? [entry] : []), "--config", config, "--dry-run", "--outdir", dir];
	return new Promise((resolve, reject) => {
		execFile(process.execPath, args, { cwd: root, env, timeout: 120_000 }, (error, _stdout, stderr) => {
			if (error) reject(new Error(`bundling ${name} failed:\n${stderr}`));
			else resolve(join(dir, entry ? "receiver.js" : `${name}.js`));
		});
	});
}

async function workerOptions(worker) {
	const script = await bundle(worker);
	const { workerOptions } = unstable_getMiniflareWorkerOptions(join(root, worker.config));
	// The bundle is one ES module: no module rules needed.
	const { modulesRules: _rules, ...options } = workerOptions;
	return {
		...options,
		name: worker.name,
		modules: true,
		scriptPath: script,
		modulesRoot: dirname(script),
		bindings: { ...options.bindings, ...devVars, ...SETTINGS },
		// Production's limiter call is kept; its limit is lifted so the load is never refused.
		...(options.ratelimits && { ratelimits: liftLimits(options.ratelimits) }),
		unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
	};
}

function liftLimits(ratelimits) {
	return Object.fromEntries(
		Object.entries(ratelimits).map(([name, r]) => [name, { ...r, simple: { ...r.simple, limit: 1e9 } }]),
	);
}

/**
 * Starts the runtime: `{ mf, urls: { receiver, bare, floor, full, partner }, pid, db }`. With `inspect`
 * (bench/profile.mjs only) that worker's isolate is open to the V8 inspector at
 * ws://127.0.0.1:<inspectorPort>/<worker>; the measured runs never set it.
 */
export async function startRuntime({ onError, inspect, inspectorPort }) {
	rmSync(out, { recursive: true, force: true });
	const workers = await Promise.all(WORKERS.map(workerOptions));
	for (const worker of workers) if (worker.name === inspect) worker.unsafeInspectorProxy = true;
	// The workers' own logs would drown the figures: keep only their errors.
	const handleStructuredLogs = (log) => log.level === "error" && onError(log.message);
	const mf = new Miniflare(
		convertV4MiniflareOptions({
			workers,
			handleStructuredLogs,
			logRequests: false,
			resourcePersistencePath: join(out, "state"),
			...(inspect && { inspectorPort }),
		}),
	);
	await mf.ready;
	const urls = {};
	for (const { name } of WORKERS) urls[name] = (await mf.unsafeGetDirectURL(name)).href.replace(/\/$/, "");
	const db = await mf.getD1Database("HISTORY", "receiver");
	await migrate(db);
	return { mf, urls, db, pid: workerdPid(process.pid) };
}

async function migrate(db) {
	const dir = join(root, "migrations");
	for (const file of readdirSync(dir)
		.filter((f) => f.endsWith(".sql"))
		.sort()) {
		const statements = readFileSync(join(dir, file), "utf8")
			.split("--> statement-breakpoint")
			.map((s) => s.trim())
			.filter(Boolean);
		await db.batch(statements.map((s) => db.prepare(s)));
	}
}
