/**
 * Writes recorded events and entity states to D1, idempotently (a redelivery changes nothing), in
 * one transaction with the deliveries they are owed: an event is in the history exactly when its
 * deliveries exist, which ordered destinations rely on (notifications/ordering.ts). `then` are
 * statements of the same transaction (releasing what waited for these events); their rows return.
 */
import { type SQL, sql } from "drizzle-orm";
import { entityName } from "../catalog/event";
import type { EntityState, EventNotification } from "../model";
import { type DeliveryKey, type Owed, owedStatements } from "./deliveries";
import { toEntityRow, toEventRow } from "./event-rows";
import { batchOf, insertRows } from "./rows";
import { entities, entityLinks, events } from "./schema";

/** `payloads` holds the body of every notification whose payload travelled by reference. */
export async function writeHistory<T = DeliveryKey>(
	db: D1Database,
	notifications: EventNotification[],
	payloads: Map<string, string>,
	owed: Owed[] = [],
	then: SQL[] = [],
): Promise<T[]> {
	if (notifications.length === 0) return [];
	const eventRows = notifications.map(({ event, payload }) =>
		toEventRow(event, payload ?? payloads.get(event.event_id) ?? missing(event.event_id)),
	);
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
		// A resend changes nothing; only an admin's release or discard of a quarantined event is written over it.
		...insertRows(
			events,
			eventRows,
			sql`ON CONFLICT (event_id) DO UPDATE SET result = excluded.result, anomaly = excluded.anomaly,
				previous_status = excluded.previous_status, repair = excluded.repair
				WHERE ${events.result} = 'quarantined' AND excluded.result != 'quarantined'`,
		),
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
	return (await batchOf<T>(db, [...statements, ...then])).slice(statements.length).flat();
}

function missing(eventId: string): never {
	throw new Error(`payload of ${eventId} was neither inline nor fetched`);
}
