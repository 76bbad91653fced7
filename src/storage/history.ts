/** Writes recorded events and entity states to D1, idempotently: a redelivery changes nothing. */

import { sql } from "drizzle-orm";
import { entityName } from "../catalog/event";
import type { EntityState, EventNotification } from "../model";
import { toEntityRow, toEventRow } from "./event-rows";
import { inOneBatch, insertRows } from "./rows";
import { entities, entityLinks, events } from "./schema";

/** `payloads` holds the body of every notification whose payload travelled by reference. */
export async function writeHistory(db: D1Database, notifications: EventNotification[], payloads: Map<string, string>) {
	if (notifications.length === 0) return;
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
	];
	await inOneBatch(db, statements);
}

function missing(eventId: string): never {
	throw new Error(`payload of ${eventId} was neither inline nor fetched`);
}
