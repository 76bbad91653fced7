/** The one mapping between the event model and D1's rows: `events` and `entities`. */
import type { AnyKind } from "../catalog/catalog";
import type { EntityState, EventAnomaly, RecordedEvent, RecordedResult, Repair } from "../model";
import { payloadColumns, type StoredPayload } from "./payloads";
import type { entities, events } from "./schema";

export type EventRow = typeof events.$inferSelect;
export type EntityRow = typeof entities.$inferSelect;

/** The columns that say where an event's payload is (storage/payloads.ts). */
export type PayloadColumnName = "payload" | "payload_key" | "payload_offset" | "payload_length" | "payload_expired_at";

export function toEventRow(event: RecordedEvent, payload: StoredPayload): EventRow {
	const { kind, key, repair, ...rest } = event;
	return {
		...rest,
		entity_kind: kind,
		entity_key: key,
		repair: repair && JSON.stringify(repair),
		...payloadColumns(payload),
		payload_expired_at: null,
	};
}

/** The recorded event of a row, with or without its payload columns. */
export function fromEventRow(row: Omit<EventRow, PayloadColumnName>): RecordedEvent {
	return {
		event_id: row.event_id,
		type: row.type,
		kind: row.entity_kind as AnyKind,
		key: row.entity_key,
		status: row.status,
		previous_status: row.previous_status,
		occurred_at: row.occurred_at,
		received_at: row.received_at,
		result: row.result as RecordedResult,
		anomaly: row.anomaly as EventAnomaly | null,
		signature_scheme: row.signature_scheme,
		binding: row.binding,
		sequence: row.sequence,
		repair: row.repair === null ? null : (JSON.parse(row.repair) as Repair),
	};
}

export function toEntityRow(entity: EntityState): EntityRow {
	return { ...entity, related: JSON.stringify(entity.related), anomalies: JSON.stringify(entity.anomalies) };
}

export function fromEntityRow(row: EntityRow): EntityState {
	return {
		...row,
		kind: row.kind as AnyKind,
		related: JSON.parse(row.related) as EntityState["related"],
		anomalies: JSON.parse(row.anomalies) as EntityState["anomalies"],
	};
}
