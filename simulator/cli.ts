/// <reference types="node" />
/**
 * `npm run simulate -- [options]`: sends QI Tech's documented flows to a receiver, signed like
 * QI Tech with the keys of .dev.vars (or .dev.vars.example), and checks where each entity ends.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { WEBHOOK_PATH } from "../src/ingress/webhook-path";
import type { SignatureScheme as Scheme } from "../src/model";
import { parseSettings } from "../src/settings";
import { readDevVars } from "./dev-vars";
import { buildPlan, FLOW_NAMES, type FlowName, type Plan } from "./plan";
import { reporter } from "./progress";
import { nodeCrypto } from "./qitech/node-crypto";
import { QitechSigner, signingKeysOf } from "./qitech/signer";
import { readBack } from "./read-back";
import { summaryTable, throughputLine } from "./report";
import { runPlan } from "./run";
import { mismatches, summarise } from "./summary";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const SCHEMES: readonly Scheme[] = ["hs256", "hmac", "es512"];

const USAGE = `npm run simulate -- [options]
  --url URL          receiver base URL (default http://127.0.0.1:8787)
  --flow NAME        all | ${FLOW_NAMES.join(" | ")} (default all)
  --scheme NAME      ${SCHEMES.join(" | ")} (default hs256)
  --duplicates N     resend every webhook N more times (default 0)
  --shuffle          deliver each flow's webhooks in a random order
  --entities N       instances of each flow (default 1)
  --concurrency N    flow instances in flight at once (default 8)
  --seed N           replay the order of an earlier --shuffle run
  --verbose          one line per webhook even for large runs`;

interface Options {
	url: string;
	flows: FlowName[];
	scheme: Scheme;
	duplicates: number;
	shuffle: boolean;
	entities: number;
	concurrency: number;
	seed?: number;
	verbose: boolean;
}

class UsageError extends Error {}

function parseOptions(argv: string[]): Options | null {
	const { values } = parseArgs({
		args: argv,
		strict: true,
		options: {
			url: { type: "string", default: "http://127.0.0.1:8787" },
			flow: { type: "string", default: "all" },
			scheme: { type: "string", default: "hs256" },
			duplicates: { type: "string", default: "0" },
			shuffle: { type: "boolean", default: false },
			entities: { type: "string", default: "1" },
			concurrency: { type: "string", default: "8" },
			seed: { type: "string" },
			verbose: { type: "boolean", default: false },
			help: { type: "boolean", short: "h", default: false },
		},
	});
	if (values.help) return null;
	const flow = values.flow;
	if (flow !== "all" && !FLOW_NAMES.includes(flow as FlowName)) throw new UsageError(`unknown flow ${flow}`);
	if (!SCHEMES.includes(values.scheme as Scheme)) throw new UsageError(`unknown scheme ${values.scheme}`);
	return {
		url: values.url.replace(/\/+$/, ""),
		flows: flow === "all" ? [...FLOW_NAMES] : [flow as FlowName],
		scheme: values.scheme as Scheme,
		duplicates: integer(values.duplicates, "duplicates", 0),
		shuffle: values.shuffle,
		entities: integer(values.entities, "entities", 1),
		concurrency: integer(values.concurrency, "concurrency", 1),
		seed: values.seed === undefined ? undefined : integer(values.seed, "seed", 0),
		verbose: values.verbose,
	};
}

function integer(text: string, name: string, min: number): number {
	const n = Number(text);
	if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got ${text}`);
	return n;
}

/** The first partner key given in clear (entries `sha256:<hex>` are digests, not usable keys). */
function partnerKeyFrom(vars: Record<string, string>): string | null {
	const key = parseSettings(vars).PARTNER_API_KEYS.find((k) => "clear" in k);
	return key && "clear" in key ? key.clear : null;
}

function count(n: number, one: string, many = `${one}s`): string {
	return `${n} ${n === 1 ? one : many}`;
}

async function reachable(url: string): Promise<boolean> {
	const response = await fetch(`${url}/healthz`).catch(() => null);
	return response?.ok ?? false;
}

function describe(plan: Plan, options: Options, varsFile: string): string {
	const webhooks = plan.lanes.reduce((n, lane) => n + lane.length, 0);
	const order = options.shuffle ? `shuffled (seed ${plan.seed})` : "in flow order";
	return `simulate: ${count(webhooks, "webhook")}, ${count(plan.entities.length, "entity", "entities")}, ${options.scheme}, ${order}, keys from ${varsFile} → ${options.url}${WEBHOOK_PATH}`;
}

async function main(argv: string[]): Promise<number> {
	const options = parseOptions(argv);
	if (!options) {
		console.log(USAGE);
		return 0;
	}
	const { file, vars } = readDevVars(ROOT);
	if (options.scheme === "es512" && !vars.DEV_QITECH_ES512_PRIVATE_KEY)
		throw new UsageError(`${file} has no DEV_QITECH_ES512_PRIVATE_KEY to sign ES512 with`);
	if (!(await reachable(options.url))) {
		console.error(
			`simulate: nothing answers ${options.url}/healthz; start the receiver with \`npm run dev\` or pass --url`,
		);
		return 2;
	}
	const plan = buildPlan({
		flows: options.flows,
		entities: options.entities,
		duplicates: options.duplicates,
		shuffle: options.shuffle,
		seed: options.seed,
	});
	console.log(describe(plan, options, file));
	const signer = new QitechSigner(signingKeysOf(vars), nodeCrypto);
	const webhookUrl = `${options.url}${WEBHOOK_PATH}`;
	const started = Date.now();
	const total = plan.lanes.reduce((n, lane) => n + lane.length, 0);
	const progress = reporter(total, options.verbose, started);
	const outcomes = await runPlan(plan, {
		send: (body, headers) => fetch(webhookUrl, { method: "POST", body, headers }),
		sign: (body) => signer.headers(body, { scheme: options.scheme, url: webhookUrl }),
		concurrency: options.concurrency,
		onOutcome: progress.onOutcome,
	});
	progress.done();
	const elapsed = Date.now() - started;
	const finals = await readBack(options.url, partnerKeyFrom(vars), plan.entities);
	const summaries = summarise(plan, outcomes, finals.statuses);
	console.log(`\n${summaryTable(summaries, finals.unchecked)}\n`);
	console.log(throughputLine(outcomes.length, elapsed, options.concurrency));
	const wrong = mismatches(summaries);
	if (wrong.length === 0) {
		console.log("every entity ended at its documented final status");
		return 0;
	}
	console.log(
		`${count(wrong.length, "entity", "entities")} did not end at their documented final status${options.shuffle ? ` (replay with --seed ${plan.seed})` : ""}`,
	);
	return 1;
}

main(process.argv.slice(2)).then(
	(code) => process.exit(code),
	(err) => {
		const usage = err instanceof UsageError || String((err as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS");
		console.error(usage ? `simulate: ${(err as Error).message}\n\n${USAGE}` : err);
		process.exit(2);
	},
);
