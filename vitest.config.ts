import { readFileSync } from "node:fs";
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { parseDotenv } from "./simulator/dev-vars";

export default defineConfig(async () => {
	const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
	return {
		plugins: [
			cloudflareTest({
				wrangler: { configPath: "./wrangler.toml" },
				miniflare: {
					bindings: {
						// The tests sign with the committed dev-only keys, whatever a developer's .dev.vars holds.
						...parseDotenv(readFileSync(".dev.vars.example", "utf8")),
						TEST_MIGRATIONS: migrations,
						// Failed deliveries retry at once in tests instead of after seconds of backoff.
						DELIVERY_RETRY_BASE_SECONDS: "0",
						// Tests hold destinations to production's URL rules.
						ALLOW_INSECURE_DESTINATIONS: "false",
						// A ledger sends again what the history has not confirmed within 5 s (120 in production),
						// so a test of a lost Queue message waits seconds, not minutes.
						LEDGER_CONFIRM_AFTER_SECONDS: "5",
					},
					// The partner's systems: every outbound fetch of the receiver goes to this worker.
					workers: [
						{
							name: "partner",
							modules: true,
							scriptPath: "./test/partner/partner-worker.js",
							compatibilityDate: "2026-11-01",
						},
					],
					// A second history database, for the partitioned history's prototype (HISTORY_PARTITIONS),
					// and one migrated step by step by its test, to upgrade a history that holds rows.
					d1Databases: ["HISTORY_ARCHIVE", "UPGRADED_HISTORY"],
					outboundService: "partner",
					serviceBindings: { PARTNER: "partner" },
					// The consumers of wrangler.toml, with a shorter batch wait so tests run quickly, and fewer
					// delivery retries so a destination that always fails is dead-lettered within seconds.
					queueConsumers: testQueueConsumers(),
				},
			}),
		],
		test: {
			setupFiles: ["./test/apply-migrations.ts"],
			testTimeout: 30_000,
			silent: "passed-only",
		},
	};
});

function testQueueConsumers() {
	const { queueConsumers } = unstable_getMiniflareWorkerOptions("wrangler.toml").workerOptions;
	const consumers = Object.entries(queueConsumers ?? {}).map(([queue, consumer]) => [
		queue,
		{ ...(consumer as object), maxBatchTimeout: 0.05 },
	]);
	const tested = Object.fromEntries(consumers);
	tested["qitech-deliveries"].maxRetries = DELIVERY_RETRIES_IN_TESTS;
	return tested;
}

/** test/notifications/delivery.test.ts counts on it: 1 attempt + 4 retries before the dead-letter queue. */
const DELIVERY_RETRIES_IN_TESTS = 4;
