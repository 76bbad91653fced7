#!/usr/bin/env node
// `npm run test:browser`: the console in a real browser (Debian's chromium, driven by
// playwright-core) against `npm run dev` with the simulator's flows and a local partner server.
// Run under tsx, so that the checks import the QI Tech kit and WEBHOOK_PATH from the sources.
// Starts and stops everything itself, within a bounded time; screenshots go to
// test/browser/screenshots/ (wide 1280 and narrow 390). Exit status 0 when every check passed.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { checks } from "./console-checks.mjs";

const ROOT = join(import.meta.dirname, "..", "..");
const SHOTS = join(import.meta.dirname, "screenshots");
const DEADLINE_MS = 8 * 60_000;
const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };

const cleanups = [];
const log = (line) => console.log(`browser: ${line}`);

function freePort() {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.listen(0, "127.0.0.1", () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
		server.on("error", reject);
	});
}

/** The partner's system: `/ok` answers 200; `/fail` answers 503 until told to recover. */
async function partnerServer() {
	const state = { failing: true, received: { ok: 0, fail: 0 } };
	const server = createServer((request, response) => {
		request.resume();
		request.on("end", () => {
			const path = new URL(request.url, "http://x").pathname;
			const failing = path === "/fail" && state.failing;
			if (path === "/ok" || path === "/fail") state.received[path.slice(1)]++;
			response.writeHead(failing ? 503 : 200, { "content-type": "application/json" });
			response.end(failing ? '{"ok":false}' : '{"ok":true}');
		});
	});
	const port = await freePort();
	await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
	cleanups.push(() => new Promise((resolve) => server.close(resolve)));
	return { url: `http://127.0.0.1:${port}`, state };
}

/** `npm run dev` on a port of its own with a state directory of its own; its output drained into a tail. */
async function receiver() {
	const port = await freePort();
	const state = mkdtempSync(join(tmpdir(), "console-browser-state-"));
	const args = ["run", "dev", "--", "--port", String(port), "--persist-to", state];
	for (const v of ["DELIVERY_RETRY_BASE_SECONDS:0", "ALLOW_INSECURE_DESTINATIONS:true"]) args.push("--var", v);
	const child = spawn("npm", args, { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
	const tail = [];
	const keep = (chunk) => {
		tail.push(...chunk.toString().split("\n"));
		tail.splice(0, Math.max(0, tail.length - 60));
	};
	child.stdout.on("data", keep);
	child.stderr.on("data", keep);
	cleanups.push(() => stopGroup(child));
	cleanups.push(() => rmSync(state, { recursive: true, force: true }));
	const url = `http://127.0.0.1:${port}`;
	for (let i = 0; i < 120; i++) {
		const ok = await fetch(`${url}/healthz`)
			.then((r) => r.ok)
			.catch(() => false);
		if (ok) return { url, tail };
		if (child.exitCode !== null) break;
		await new Promise((r) => setTimeout(r, 1000));
	}
	throw new Error(`the receiver did not start:\n${tail.join("\n")}`);
}

function stopGroup(child) {
	return new Promise((resolve) => {
		if (child.exitCode !== null) return resolve();
		const kill = (signal) => {
			try {
				process.kill(-child.pid, signal);
			} catch {}
		};
		const force = setTimeout(() => kill("SIGKILL"), 5000);
		child.on("exit", () => {
			clearTimeout(force);
			resolve();
		});
		kill("SIGTERM");
	});
}

export function simulate(url, seed) {
	return new Promise((resolve, reject) => {
		const args = ["run", "simulate", "--", "--url", url, "--shuffle", "--flow", "asset", "--seed", String(seed)];
		const child = spawn("npm", args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
		let output = "";
		child.stdout.on("data", (c) => {
			output += c;
		});
		child.stderr.on("data", (c) => {
			output += c;
		});
		const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
		child.on("exit", (code) => {
			clearTimeout(timer);
			if (code === 0) resolve(output);
			else reject(new Error(`npm run simulate exited ${code}:\n${output}`));
		});
	});
}

async function main() {
	rmSync(SHOTS, { recursive: true, force: true });
	mkdirSync(SHOTS, { recursive: true });
	const partner = await partnerServer();
	const dev = await receiver();
	log(`receiver on ${dev.url}, partner on ${partner.url}`);
	const profile = mkdtempSync(join(tmpdir(), "console-browser-profile-"));
	cleanups.push(() => rmSync(profile, { recursive: true, force: true }));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
		headless: true,
		args: [
			"--headless",
			"--no-sandbox",
			"--disable-gpu",
			"--disable-quic",
			"--no-first-run",
			"--disable-background-networking",
			"--disable-component-update",
			"--disable-sync",
		],
		viewport: { width: 1280, height: 900 },
	});
	cleanups.unshift(() => context.close());
	await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: dev.url });
	const problems = [];
	context.on("page", (page) => watch(page, problems));
	for (const page of context.pages()) watch(page, problems);
	const passed = await checks({ context, base: dev.url, partner, shots: SHOTS, simulate, log });
	if (problems.length > 0) throw new Error(`the browser reported errors:\n${problems.join("\n")}`);
	log(`${passed} checks passed, no error in the browser console`);
}

function watch(page, problems) {
	page.on("console", (message) => {
		if (message.type() === "error") problems.push(`console: ${message.text()} (${page.url()})`);
	});
	page.on("pageerror", (error) => problems.push(`pageerror: ${error.message} (${page.url()})`));
	page.on("dialog", (dialog) => dialog.accept());
}

async function cleanUp() {
	for (const cleanup of cleanups.splice(0)) await Promise.resolve(cleanup()).catch(() => {});
}

const deadline = setTimeout(async () => {
	console.error(`browser: not done after ${DEADLINE_MS / 1000} s; stopping`);
	await cleanUp();
	process.exit(1);
}, DEADLINE_MS);

for (const signal of ["SIGTERM", "SIGINT"]) {
	process.on(signal, async () => {
		console.error(`browser: ${signal}; stopping`);
		await cleanUp();
		process.exit(1);
	});
}

let status = 0;
try {
	await main();
} catch (err) {
	console.error(`browser: FAILED: ${err.stack ?? err}`);
	status = 1;
} finally {
	await cleanUp();
	clearTimeout(deadline);
}
process.exit(status);
