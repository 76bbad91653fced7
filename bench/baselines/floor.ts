/**
 * The `floor` baseline: the least the design's shape costs (bench/baselines/minimal.ts): the
 * signature alone, the entity's Durable Object, the event id into its SQLite if absent.
 * No queue, no D1.
 */
import type { SettingsEnv } from "../../src/settings";
import { durableRequest } from "../meters/sql";
import { MinimalLedger, minimalApp, type Result } from "./minimal";

interface Env extends SettingsEnv {
	FLOOR_LEDGER: DurableObjectNamespace<FloorLedger>;
}

export class FloorLedger extends MinimalLedger<Env> {
	record(eventId: string): Result {
		return durableRequest(() => (this.insert(eventId) ? "accepted" : "duplicate"));
	}
}

const ledgerOf = (env: Env, entity: string) => env.FLOOR_LEDGER.get(env.FLOOR_LEDGER.idFromName(entity));

export default minimalApp<Env>(ledgerOf, (env, { eventId, entity }) => ledgerOf(env, entity).record(eventId));
