/** Events handed to the events Queue's consumer directly, as their ledgers would send them. */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";
import type { EntityState, EventNotification, RecordedEvent } from "../../src/model";

/** A recorded event: an accepted, HMAC-signed `completed` of a new asset now, unless told otherwise. */
export function recordedEvent(fields: Partial<RecordedEvent> = {}): RecordedEvent {
	const at = fields.received_at ?? fields.occurred_at ?? new Date().toISOString();
	const key = fields.key ?? crypto.randomUUID();
	return {
		event_id: `evt-${key}-${crypto.randomUUID()}`,
		type: "trade_receivables.asset_status_change",
		kind: "asset",
		key,
		status: "completed",
		previous_status: null,
		occurred_at: at,
		received_at: at,
		result: "accepted",
		anomaly: null,
		signature_scheme: "hmac",
		binding: "body_hmac",
		sequence: 1,
		repair: null,
		...fields,
	};
}

/** The entity as its ledger holds it once `event` applied. */
export function entityAfter(event: RecordedEvent): EntityState {
	return {
		kind: event.kind,
		key: event.key,
		status: event.status,
		occurred_at: event.occurred_at,
		updated_at: event.received_at,
		version: event.sequence,
		related: {},
		anomalies: [],
	};
}

/** One batch through the events consumer, each notification a message; its acks and retries. */
export async function consume(notifications: EventNotification[], bindings: Cloudflare.Env = env) {
	const batch = createMessageBatch<EventNotification>(
		"qitech-events",
		notifications.map((body, i) => ({ id: `m${i}-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body })),
	);
	const ctx = createExecutionContext();
	await worker.queue(batch, bindings);
	return getQueueResult(batch, ctx);
}
