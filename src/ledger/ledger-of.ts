/** An entity's ledger: the Durable Object its name (`kind:key`, see `entityName`) addresses. */
import type { Env } from "../env";

export function ledgerOf(env: Pick<Env, "ENTITY_LEDGER">, entity: string) {
	return env.ENTITY_LEDGER.get(env.ENTITY_LEDGER.idFromName(entity));
}
