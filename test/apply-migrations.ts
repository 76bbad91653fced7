// Applies the real migrations/ to the test D1 databases (only those not applied yet).
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

await applyD1Migrations(env.HISTORY, env.TEST_MIGRATIONS);
await applyD1Migrations(env.HISTORY_ARCHIVE, env.TEST_MIGRATIONS);
