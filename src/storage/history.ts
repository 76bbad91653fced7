/**
 * Writes recorded events and entity states to D1, idempotently (a redelivery changes nothing), in
 * one transaction with the deliveries they are owed: an event is in the history exactly when its
 * deliveries exist, which ordered destinations rely on (notifications/ordering.ts). `then` are
 * statements of the same transaction (releasing what waited for these events); their rows return.
 * With HISTORY_PARTITIONS, events of an older month's partition are written there first, idempotently.
 */
import { type SQL, sql } from "drizzle-orm";
import { entityName } from "../catalog/event";
import type { EntityState, EventNotification } from "../model";
import { type DeliveryKey, type Owed, owedStatements } from "./deliveries";
import { type EventRow, toEntityRow, toEventRow } from "./event-rows";
import { byPartition, type History } from "./partitions";
import type { StoredPayload } from "./payloads";
import { batchOf, inOneBatch, insertRows } from "./rows";
import { entities, entityLinks, events } from "./schema";

/** `payloads` says where each event's payload was stored (storage/payloads.ts). */
export async function writeHistory<T = DeliveryKey>(
	history: History,
	notifications: EventNotification[],
	payloads: Map<string, StoredPayload>,
	owed: Owed[] = [],
	then: SQL[] = [],
): Promise<T[]> {
	if (notifications.length === 0) return [];
	const rows = notifications.map(({ event }) =>
		toEventRow(event, payloads.get(event.event_id) ?? missing(event.event_id)),
	);
	const { primary: eventRows, elsewhere } = byPartition(history, rows);
	for (const [db, older] of elsewhere) await inOneBatch(db, insertEvents(older));
	const latest = new Map<string, EntityState>();
	for (const { entity } of notifications) {
		if (!entity) continue;
		const name = entityName(entity.kind, entity.key);
		if ((latest.get(name)?.version ?? -1) < entity.version) latest.set(name, entity);
	}
	const entityRows = [...latest.values()].map(toEntityRow);
	const linkRows = [...latest.values()].flatMap((e) =>
		Object.entries(e.related).map(([link, key]) => ({ related: `${link}:${key}`, kind: e.kind, key: e.key })),
	);

	const statements = [
		...insertEvents(eventRows),
		// Notifications arrive in any order: only a newer version of the entity wins.
		...insertRows(
			entities,
			entityRows,
			sql`ON CONFLICT (kind, key) DO UPDATE SET status = excluded.status, occurred_at = excluded.occurred_at,
				updated_at = excluded.updated_at, version = excluded.version, related = excluded.related,
				anomalies = excluded.anomalies WHERE excluded.version > ${entities.version}`,
		),
		...insertRows(entityLinks, linkRows, sql`ON CONFLICT DO NOTHING`),
		...owedStatements(owed, new Date().toISOString()),
	];
	return (await batchOf<T>(history.primary, [...statements, ...then])).slice(statements.length).flat();
}

/** A resend changes nothing; only an admin's release or discard of a quarantined event is written over it. */
function insertEvents(rows: EventRow[]): SQL[] {
	return insertRows(
		events,
		rows,
		sql`ON CONFLICT (event_id) DO UPDATE SET result = excluded.result, anomaly = excluded.anomaly,
			previous_status = excluded.previous_status, repair = excluded.repair
			WHERE ${events.result} = 'quarantined' AND excluded.result != 'quarantined'`,
	);
}

function missing(eventId: string): never {
	throw new Error(`payload of ${eventId} was not stored`);
}
