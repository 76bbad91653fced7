#!/usr/bin/env node
// `npm run bench:lookups`: latency of the partner lookups with 10^4 and then 10^5 events in a
// local D1. The worker is bundled as for deploy and run by Miniflare (workerd, no inspector);
// a sample of entities arrives through the real webhook route (so their ledgers hold their
// history), the rest is written straight into D1. Figures: p50/p99 over sequential requests.
import { spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const SIZES = (process.env.BENCH_SIZES ?? "10000,100000").split(",").map(Number);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const SAMPLE_ASSETS = 100;
const ASSETS_PER_ASSIGNMENT = 10;
const FLOW = ["pending_eligibility", "pending_documentation", "pre_approved", "completed"];
const PARTNER_KEYS = Array.from({ length: 20 }, (_, i) => `bench-partner-key-${i}`);

const devVars = Object.fromEntries(
	readFileSync(join(root, ".dev.vars.example"), "utf8")
		.split("\n")
		.map((line) => /^([A-Z0-9_]+)="(.*)"$/.exec(line.trim()))
		.filter(Boolean)
		.map((m) => [m[1], m[2]]),
);

function bundle() {
	const out = mkdtempSync(join(tmpdir(), "bench-lookups-"));
	const wrangler = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
	const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };
	const result = spawnSync(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", out], {
		cwd: root,
		env,
		encoding: "utf8",
	});
	if (result.status !== 0) throw new Error(`bundling failed:\n${result.stderr}`);
	return join(out, "index.js");
}

async function start() {
	const { workerOptions } = unstable_getMiniflareWorkerOptions(join(root, "wrangler.toml"));
	// The bundle is one ES module: no module rules needed.
	const { modulesRules: _rules, ...options } = workerOptions;
	const script = bundle();
	const worker = {
		...options,
		name: "receiver",
		modules: true,
		scriptPath: script,
		modulesRoot: dirname(script),
		bindings: { ...workerOptions.bindings, ...devVars, PARTNER_API_KEYS: PARTNER_KEYS.join(",") },
	};
	// The worker's own logs would drown the figures: keep only its errors.
	const handleStructuredLogs = (log) => log.level === "error" && console.error(log.message);
	const mf = new Miniflare(convertV4MiniflareOptions({ workers: [worker], handleStructuredLogs, logRequests: false }));
	await mf.ready;
	const db = await mf.getD1Database("HISTORY");
	for (const file of readdirSync(join(root, "migrations"))
		.filter((f) => f.endsWith(".sql"))
		.sort()) {
		const statements = readFileSync(join(root, "migrations", file), "utf8")
			.split("--> statement-breakpoint")
			.map((s) => s.trim())
			.filter(Boolean);
		await db.batch(statements.map((s) => db.prepare(s)));
	}
	return { mf, db };
}

/** The sample: assets of a few assignments, each through its whole flow, via signed webhooks. */
async function ingestSample(mf, db) {
	const hmacKey = devVars.QITECH_HMAC_KEYS.split(",")[0];
	const sample = [];
	for (let a = 0; a < SAMPLE_ASSETS; a++) {
		const asset = {
			key: `sample-asset-${a}`,
			assignment: `sample-assignment-${Math.floor(a / ASSETS_PER_ASSIGNMENT)}`,
		};
		for (const [step, status] of FLOW.entries()) {
			const body = JSON.stringify({
				webhook_type: "trade_receivables.asset_status_change",
				webhook_datetime: new Date(Date.UTC(2026, 0, 1, 0, step, a)).toISOString(),
				data: {
					asset_external_id: asset.key,
					asset_new_status: status,
					assignment_external_id: asset.assignment,
					fund_class_key: "sample-fund",
				},
			});
			const signature = createHmac("sha256", hmacKey).update(body).digest("hex");
			const response = await mf.dispatchFetch("http://receiver.local/webhooks/qitech", {
				method: "POST",
				body,
				headers: { "content-type": "application/json", Signature: signature },
			});
			if (response.status !== 200) throw new Error(`webhook answered ${response.status}: ${await response.text()}`);
			await response.arrayBuffer();
		}
		sample.push(asset);
	}
	const expected = SAMPLE_ASSETS * FLOW.length;
	for (let i = 0; i < 300 && (await countEvents(db)) < expected; i++) await new Promise((r) => setTimeout(r, 100));
	if ((await countEvents(db)) < expected) throw new Error("the queue consumer did not write the sample to D1");
	return sample;
}

async function countEvents(db) {
	return (await db.prepare("SELECT count(*) AS n FROM events").first()).n;
}

/** Bulk history straight into D1: assets of 25-asset assignments, 4 events each. */
async function loadBulk(db, from, to) {
	// One statement per chunk: the rows travel as one JSON parameter.
	const insertEvents = db.prepare(
		`INSERT INTO events (event_id, type, entity_kind, entity_key, status, previous_status, occurred_at, received_at, result, anomaly, signature_scheme, binding, payload)
		 SELECT v->>'id', 'trade_receivables.asset_status_change', 'asset', v->>'key', v->>'status', v->>'previous', v->>'at', v->>'at', 'accepted', NULL, 'hmac', 'body', v->>'payload'
		 FROM (SELECT value AS v FROM json_each(?))`,
	);
	const insertEntities = db.prepare(
		`INSERT INTO entities (kind, key, status, occurred_at, updated_at, version, related, anomalies)
		 SELECT 'asset', v->>'key', 'completed', v->>'at', v->>'at', 4, v->>'related', '[]' FROM (SELECT value AS v FROM json_each(?))`,
	);
	const insertLinks = db.prepare(
		"INSERT INTO entity_links (related, kind, key) SELECT v->>'related', 'asset', v->>'key' FROM (SELECT value AS v FROM json_each(?))",
	);
	for (let start = from; start < to; start += 2000) {
		const events = [];
		const entities = [];
		const links = [];
		for (let i = start; i < Math.min(to, start + 2000); i++) {
			const asset = Math.floor(i / FLOW.length);
			const step = i % FLOW.length;
			const key = `bulk-asset-${asset}`;
			const assignment = `bulk-assignment-${Math.floor(asset / 25)}`;
			const at = new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString();
			const data = {
				asset_external_id: key,
				asset_new_status: FLOW[step],
				assignment_external_id: assignment,
				fund_class_key: "bulk-fund",
			};
			const payload = JSON.stringify({
				webhook_type: "trade_receivables.asset_status_change",
				webhook_datetime: at,
				data,
			});
			events.push({
				id: `bulk-${i}`,
				key,
				status: FLOW[step],
				previous: step === 0 ? null : FLOW[step - 1],
				at,
				payload,
			});
			if (step !== FLOW.length - 1) continue;
			entities.push({ key, at, related: JSON.stringify({ assignment, fund_class: "bulk-fund" }) });
			links.push({ related: `assignment:${assignment}`, key }, { related: "fund_class:bulk-fund", key });
		}
		await db.batch([
			insertEvents.bind(JSON.stringify(events)),
			insertEntities.bind(JSON.stringify(entities)),
			insertLinks.bind(JSON.stringify(links)),
		]);
	}
}

/** A page deep in the list: keyset pagination costs the same there as on the first page. */
async function cursorHalfWay(mf, loaded) {
	const middle = new Date(Date.UTC(2025, 0, 1) + (loaded / 2) * 1000).toISOString();
	const path = `/v1/events?kind=asset&status=completed&since=${middle}&limit=1`;
	const response = await mf.dispatchFetch(`http://receiver.local${path}`, {
		headers: { authorization: `Bearer ${PARTNER_KEYS[0]}` },
	});
	const { next_cursor } = await response.json();
	return `/v1/events?kind=asset&status=completed&limit=50&cursor=${encodeURIComponent(next_cursor)}`;
}

async function measure(mf, paths) {
	const timings = [];
	for (let i = -50; i < REQUESTS; i++) {
		const path = paths[((i % paths.length) + paths.length) % paths.length];
		const key = PARTNER_KEYS[((i % PARTNER_KEYS.length) + PARTNER_KEYS.length) % PARTNER_KEYS.length];
		const started = performance.now();
		const response = await mf.dispatchFetch(`http://receiver.local${path}`, {
			headers: { authorization: `Bearer ${key}` },
		});
		await response.arrayBuffer();
		const elapsed = performance.now() - started;
		if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
		if (i >= 0) timings.push(elapsed);
	}
	timings.sort((a, b) => a - b);
	const at = (q) => timings[Math.min(timings.length - 1, Math.ceil(q * timings.length) - 1)];
	return {
		p50: round(at(0.5)),
		p99: round(at(0.99)),
		mean: round(timings.reduce((s, t) => s + t, 0) / timings.length),
	};
}

const round = (ms) => Math.round(ms * 100) / 100;

async function main() {
	const { mf, db } = await start();
	try {
		const sample = await ingestSample(mf, db);
		const lookups = {
			"GET /v1/entities/asset/{key}": sample.map((a) => `/v1/entities/asset/${a.key}`),
			"GET /v1/entities?kind=asset&related=assignment:{id}": [...new Set(sample.map((a) => a.assignment))].map(
				(id) => `/v1/entities?kind=asset&related=assignment:${id}`,
			),
			"GET /v1/events?kind=asset&status=completed&limit=50": ["/v1/events?kind=asset&status=completed&limit=50"],
		};
		const results = [];
		let loaded = await countEvents(db);
		for (const size of SIZES) {
			const started = performance.now();
			await loadBulk(db, loaded, size);
			loaded = await countEvents(db);
			console.log(`loaded ${loaded} events in D1 (${round((performance.now() - started) / 1000)} s)`);
			lookups["GET /v1/events?kind=asset&status=completed&limit=50&cursor=(half-way)"] = [
				await cursorHalfWay(mf, loaded),
			];
			for (const [name, paths] of Object.entries(lookups)) {
				const figures = await measure(mf, paths);
				results.push({ events: loaded, lookup: name, requests: REQUESTS, ...figures });
				console.log(`  ${name.padEnd(72)} p50 ${figures.p50} ms  p99 ${figures.p99} ms  mean ${figures.mean} ms`);
			}
		}
		mkdirSync(join(root, "bench", "out"), { recursive: true });
		writeFileSync(join(root, "bench", "out", "lookups.json"), `${JSON.stringify(results, null, 2)}\n`);
	} finally {
		await mf.dispose();
	}
}

await main();
