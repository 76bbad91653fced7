/** What the ledger keeps and hands on: one event as recorded, one entity's state. */
import type { QitechEvent } from "../catalog/event";
import type { Anomaly } from "../catalog/ordering";
import type { SignatureScheme } from "../ingress/signature/verify";

/** An authentic, classified event on its way into its entity's ledger. */
export interface IncomingEvent extends QitechEvent {
	received_at: string;
	signature_scheme: SignatureScheme;
	binding: string;
	/** The body exactly as received. */
	payload: string;
}

export type Result = "accepted" | "duplicate" | "stale";

export interface Verdict {
	result: Result;
	event_id: string;
	entity: string;
	/** The entity's current status after this event. */
	status: string;
}

export interface RecordedEvent {
	event_id: string;
	type: string;
	kind: string;
	key: string;
	status: string;
	previous_status: string | null;
	occurred_at: string;
	received_at: string;
	result: "accepted" | "stale";
	anomaly: Anomaly | null;
	signature_scheme: string;
	binding: string;
}

export interface EntityState {
	kind: string;
	key: string;
	status: string;
	occurred_at: string;
	updated_at: string;
	version: number;
	related: Record<string, string>;
	anomalies: { event_id: string; anomaly: Anomaly }[];
}

/**
 * One Queue message per recorded event. `payload` is null when the body is too large for a
 * Queue message (128 KB): the consumer then reads it from the entity's ledger.
 */
export interface EventNotification {
	event: RecordedEvent;
	payload: string | null;
	entity: EntityState;
}
