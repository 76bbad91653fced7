/**
 * Ordered per entity (`ordering: "entity"`): a destination receives each entity's events in the
 * ledger's order. An event waits (`blocked`) while an earlier event of its entity owed to the
 * same destination is not done (delivered, failed or dead), or has not reached the history yet;
 * other entities keep flowing. Each step is one D1 statement, and D1 runs them one at a time, so
 * whichever of "block the later one" and "finish the earlier one" comes first, the later one is
 * released: finishing an earlier event releases the next blocked one in the same transaction,
 * and writing events to the history releases the blocked events of their entities.
 */
import { type SQL, sql } from "drizzle-orm";
import type { DeliveryKey } from "../storage/deliveries";
import { deliveries } from "../storage/delivery-schema";
import { events } from "../storage/schema";

/** Outcomes of an earlier event that keep a later one waiting. */
const NOT_DONE = sql.raw("('pending', 'blocked', 'paused')");

export interface InOrder extends DeliveryKey {
	entity: string;
	kind: string;
	key: string;
	sequence: number;
}

/**
 * Marks the delivery blocked if it must wait; returns a row then. `elsewhere`: the entity's earlier
 * events in other partitions of the history (storage/partitions.ts), which only ever grow.
 */
export function holdStatement(d: InOrder, at: string, elsewhere = 0): SQL {
	return sql`UPDATE ${deliveries} SET outcome = 'blocked', updated_at = ${at}
		WHERE ${deliveries.event_id} = ${d.event_id} AND ${deliveries.destination_id} = ${d.destination_id}
		AND (
			EXISTS (SELECT 1 FROM ${deliveries} AS earlier INDEXED BY deliveries_in_order
				WHERE earlier.destination_id = ${d.destination_id} AND earlier.entity = ${d.entity}
				AND earlier.sequence < ${d.sequence} AND earlier.outcome IN ${NOT_DONE})
			OR (SELECT count(*) FROM ${events}
				WHERE ${events.entity_kind} = ${d.kind} AND ${events.entity_key} = ${d.key}
				AND ${events.sequence} < ${d.sequence}) < ${d.sequence - 1 - elsewhere}
		)
		RETURNING ${deliveries.event_id}`;
}

/**
 * Once `done` is done: the next blocked event of its entity for its destination, pending again,
 * to enqueue (nothing for an unordered delivery, whose entity is null).
 */
export function releaseNextStatement(done: DeliveryKey, at: string): SQL {
	const entity = sql`(SELECT entity FROM ${deliveries}
		WHERE ${deliveries.event_id} = ${done.event_id} AND ${deliveries.destination_id} = ${done.destination_id})`;
	return sql`UPDATE ${deliveries} SET outcome = 'pending', updated_at = ${at}
		WHERE rowid = (SELECT rowid FROM ${deliveries} AS next INDEXED BY deliveries_in_order
			WHERE next.destination_id = ${done.destination_id} AND next.entity = ${entity} AND next.outcome = 'blocked'
			ORDER BY next.sequence LIMIT 1)
		RETURNING ${deliveries.event_id}, ${deliveries.destination_id}`;
}

/** Every blocked event of these entities, pending again: their missing predecessor may have arrived. */
export function releaseEntitiesStatement(entities: string[], at: string): SQL {
	return sql`UPDATE ${deliveries} SET outcome = 'pending', updated_at = ${at}
		WHERE outcome = 'blocked' AND entity IN (SELECT value FROM json_each(${JSON.stringify(entities)}))
		RETURNING ${deliveries.event_id}, ${deliveries.destination_id}`;
}
