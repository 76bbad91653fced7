#!/usr/bin/env node
// `npm run dev [-- wrangler dev flags]`: local D1 migrated, dev secrets in place, then wrangler dev
// on http://127.0.0.1:8787 (override with `-- --port N`). Nothing here reaches Cloudflare.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };
const wrangler = join(root, "node_modules", "wrangler", "bin", "wrangler.js");

if (!existsSync(join(root, ".dev.vars"))) {
	copyFileSync(join(root, ".dev.vars.example"), join(root, ".dev.vars"));
	console.log("dev: created .dev.vars from .dev.vars.example (dev-only keys; edit it to use your own)");
}
// A .dev.vars made before a release added settings lacks them: say which, rather than fail later.
const names = (file) =>
	new Set([...readFileSync(join(root, file), "utf8").matchAll(/^([A-Z_0-9]+)=/gm)].map((m) => m[1]));
const own = names(".dev.vars");
const missing = [...names(".dev.vars.example")].filter((name) => !own.has(name));
if (missing.length > 0) {
	console.log(`dev: .dev.vars lacks ${missing.join(", ")} of .dev.vars.example; copy them over (or delete .dev.vars)`);
}

function run(args) {
	const result = spawnSync(process.execPath, [wrangler, ...args], { cwd: root, env, stdio: "inherit" });
	if (result.status !== 0) process.exit(result.status ?? 1);
}

const args = process.argv.slice(2);
// A state directory of its own (`--persist-to DIR`, e.g. the browser test's) is migrated too.
const persist = args.indexOf("--persist-to");
const persistTo = persist >= 0 ? ["--persist-to", args[persist + 1]] : [];
run(["d1", "migrations", "apply", "HISTORY", "--local", ...persistTo]);
run(["dev", ...args]);
