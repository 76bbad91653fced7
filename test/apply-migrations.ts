// Applies the real migrations/ to the test D1 (only those not applied yet).
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

await applyD1Migrations(env.HISTORY, env.TEST_MIGRATIONS);
