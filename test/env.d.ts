import type { D1Migration } from "cloudflare:test";

declare global {
	namespace Cloudflare {
		interface Env {
			TEST_MIGRATIONS: D1Migration[];
			/** A second history database (test/storage/partitions.test.ts). */
			HISTORY_ARCHIVE: D1Database;
			/** A history database the setup leaves unmigrated (test/storage/migrations.test.ts). */
			UPGRADED_HISTORY: D1Database;
			DEV_QITECH_ES512_PRIVATE_KEY: string;
			/** The stand-in for the partner's systems (test/partner/partner-worker.js). */
			PARTNER: Fetcher;
		}
	}
}
