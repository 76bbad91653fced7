/** Writes recorded events and entity states to D1, idempotently: a redelivery changes nothing. */

import { sql } from "drizzle-orm";
import type { EventNotification } from "../ledger/records";
import { inOneBatch, insertRows } from "./rows";
import { entities, entityLinks, events } from "./schema";

/** `payloads` holds the body of every notification whose payload travelled by reference. */
export async function writeHistory(db: D1Database, notifications: EventNotification[], payloads: Map<string, string>) {
	if (notifications.length === 0) return;
	const eventRows = notifications.map(({ event, payload }) => ({
		event_id: event.event_id,
		type: event.type,
		entity_kind: event.kind,
		entity_key: event.key,
		status: event.status,
		previous_status: event.previous_status,
		occurred_at: event.occurred_at,
		received_at: event.received_at,
		result: event.result,
		anomaly: event.anomaly,
		signature_scheme: event.signature_scheme,
		binding: event.binding,
		payload: payload ?? payloads.get(event.event_id) ?? missing(event.event_id),
	}));
	const latest = new Map<string, EventNotification["entity"]>();
	for (const { entity } of notifications) {
		const id = `${entity.kind}:${entity.key}`;
		if ((latest.get(id)?.version ?? -1) < entity.version) latest.set(id, entity);
	}
	const entityRows = [...latest.values()].map((e) => ({
		kind: e.kind,
		key: e.key,
		status: e.status,
		occurred_at: e.occurred_at,
		updated_at: e.updated_at,
		version: e.version,
		related: JSON.stringify(e.related),
		anomalies: JSON.stringify(e.anomalies),
	}));
	const linkRows = [...latest.values()].flatMap((e) =>
		Object.entries(e.related).map(([link, key]) => ({ related: `${link}:${key}`, kind: e.kind, key: e.key })),
	);

	const statements = [
		...insertRows(events, eventRows, sql`ON CONFLICT DO NOTHING`),
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
