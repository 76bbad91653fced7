import { readFileSync } from "node:fs";
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
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
					outboundService: "partner",
					serviceBindings: { PARTNER: "partner" },
					// Same consumers as wrangler.toml, with a shorter batch wait so tests run quickly.
					queueConsumers: {
						"qitech-events": {
							maxBatchSize: 100,
							maxBatchTimeout: 0.05,
							maxRetries: 10,
							deadLetterQueue: "qitech-events-dlq",
						},
						"qitech-events-dlq": { maxBatchSize: 100, maxBatchTimeout: 0.05, maxRetries: 3 },
						"qitech-deliveries": {
							maxBatchSize: 20,
							maxBatchTimeout: 0.05,
							maxRetries: 4,
							deadLetterQueue: "qitech-deliveries-dlq",
						},
						"qitech-deliveries-dlq": { maxBatchSize: 100, maxBatchTimeout: 0.05, maxRetries: 3 },
					},
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
