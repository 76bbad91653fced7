#!/usr/bin/env node
// `npm run test:crash`: what a new user would try. `wrangler dev` under load is killed with
// SIGKILL (the runtime and its local Queue lose whatever they held in memory), started again on
// the same local storage, and every event it had acknowledged with a 200 must reach the D1
// history: the ledgers, which owe each event until the history confirms it, send again what
// was lost. Offline, on 127.0.0.1, bounded in time; it stops what it started whatever happens.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readDevVars } from "../simulator/dev-vars.ts";
import { buildPlan, FLOW_NAMES } from "../simulator/plan.ts";
import { nodeCrypto } from "../simulator/qitech/node-crypto.ts";
import { QitechSigner, signingKeysOf } from "../simulator/qitech/signer.ts";
import { WEBHOOK_PATH } from "../src/ingress/webhook-path.ts";

const root = join(import.meta.dirname, "..");
const wrangler = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };
const port = Number(process.argv[2] ?? 8791);
const url = `http://127.0.0.1:${port}`;
const persist = mkdtempSync(join(tmpdir(), "qitech-crash-"));
const vars = () => readDevVars(root).vars;
const partnerKey = "crash-test-partner-key";
/** Shorter than production's 120 s so the test waits seconds; the mechanism is the same. */
const CONFIRM_AFTER_SECONDS = 10;
const ACKS_BEFORE_KILL = 600;
const HEAL_TIMEOUT_MS = 150_000;

let dev = null;

function start() {
	const args = [wrangler, "dev", "--port", String(port), "--persist-to", persist, "--inspector-port", "0"];
	for (const v of [`LEDGER_CONFIRM_AFTER_SECONDS:${CONFIRM_AFTER_SECONDS}`, `PARTNER_API_KEYS:${partnerKey}`]) {
		args.push("--var", v);
	}
	dev = spawn(process.execPath, args, { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
	// Keep draining: a full pipe would block wrangler, and every request behind it.
	dev.stdout.resume();
	dev.stderr.resume();
	return waitFor(async () => (await fetch(`${url}/healthz`).catch(() => null))?.ok === true, 90_000, "healthz");
}

function kill(signal) {
	if (!dev) return;
	try {
		process.kill(-dev.pid, signal);
	} catch {}
	dev = null;
}

async function waitFor(check, timeoutMs, what) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await check()) return;
		await new Promise((r) => setTimeout(r, 500));
	}
	throw new Error(`timed out waiting for ${what}`);
}

/** Sends the simulator's flows, lanes side by side, until told to stop; returns the event_ids answered 200. */
function load(stop) {
	const signer = new QitechSigner(signingKeysOf(vars()), nodeCrypto);
	const plan = buildPlan({ flows: [...FLOW_NAMES], entities: 200 });
	const acked = new Set();
	let next = 0;
	const lane = async () => {
		while (!stop.now && next < plan.lanes.length) {
			for (const webhook of plan.lanes[next++]) {
				if (stop.now) return;
				const headers = {
					"content-type": "application/json",
					...signer.headers(webhook.body, { scheme: "hs256", url: `${url}${WEBHOOK_PATH}` }),
				};
				const response = await fetch(`${url}${WEBHOOK_PATH}`, { method: "POST", body: webhook.body, headers }).catch(
					() => null,
				);
				if (response?.status !== 200) {
					if (!stop.now)
						console.log(`crash: a webhook answered ${response?.status ?? "nothing"}: ${await response?.text()}`);
					return;
				}
				const answer = await response.json().catch(() => null);
				if (answer && answer.result !== "duplicate") acked.add(answer.event_id);
				if (acked.size >= ACKS_BEFORE_KILL) stop.now = true;
			}
		}
	};
	return { acked, done: Promise.all(Array.from({ length: 16 }, lane)) };
}

/** Every event_id in the history, read back through the partner API. */
async function historyIds() {
	const ids = new Set();
	let cursor = null;
	do {
		const query = `limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
		const response = await fetch(`${url}/v1/events?${query}`, { headers: { authorization: `Bearer ${partnerKey}` } });
		if (!response.ok) throw new Error(`GET /v1/events answered ${response.status}`);
		const page = await response.json();
		for (const e of page.data) ids.add(e.event_id);
		cursor = page.next_cursor;
	} while (cursor);
	return ids;
}

async function main() {
	// As `npm run dev` does: wrangler reads the settings of .dev.vars.
	if (!existsSync(join(root, ".dev.vars"))) copyFileSync(join(root, ".dev.vars.example"), join(root, ".dev.vars"));
	const migrate = spawnSync(
		process.execPath,
		[wrangler, "d1", "migrations", "apply", "HISTORY", "--local", "--persist-to", persist],
		{ cwd: root, env, encoding: "utf8" },
	);
	if (migrate.status !== 0) throw new Error(`migrations failed:\n${migrate.stderr}`);
	await start();
	// Crash under load until a crash loses something (each round adds to the events checked).
	const acked = new Set();
	let lostAtRestart = 0;
	for (let round = 1; round <= 3 && lostAtRestart === 0; round++) {
		const stop = { now: false };
		const run = load(stop);
		await waitFor(async () => stop.now, 120_000, `${ACKS_BEFORE_KILL} acknowledged events`);
		kill("SIGKILL");
		await run.done;
		for (const id of run.acked) acked.add(id);
		console.log(`crash: round ${round}: killed the runtime with SIGKILL after ${run.acked.size} acknowledged events`);
		await start();
		const inD1 = await historyIds();
		lostAtRestart = [...acked].filter((id) => !inD1.has(id)).length;
		console.log(`crash: restarted; ${lostAtRestart} acknowledged events not in D1`);
	}
	if (lostAtRestart === 0) throw new Error("three crashes lost nothing on the way to D1: this run proved nothing");
	const started = Date.now();
	let missing = [];
	await waitFor(
		async () => {
			const now = await historyIds();
			missing = [...acked].filter((id) => !now.has(id));
			return missing.length === 0;
		},
		HEAL_TIMEOUT_MS,
		"every acknowledged event in D1",
	).catch((err) => {
		console.log(
			`crash: ${missing.length} of ${acked.size} acknowledged events never reached D1, e.g. ${missing.slice(0, 3).join(", ")}`,
		);
		throw err;
	});
	console.log(
		`crash: every one of ${acked.size} acknowledged events is in D1 (${lostAtRestart} re-sent by their ledgers within ${Math.round((Date.now() - started) / 1000)} s)`,
	);
}

const timer = setTimeout(() => {
	console.error("crash: gave up after 8 minutes");
	kill("SIGKILL");
	process.exit(1);
}, 8 * 60_000);
main()
	.then(
		() => 0,
		(err) => {
			console.error(`crash: ${err.message}`);
			return 1;
		},
	)
	.then((code) => {
		clearTimeout(timer);
		kill("SIGTERM");
		rmSync(persist, { recursive: true, force: true });
		process.exit(code);
	});
