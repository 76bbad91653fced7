/**
 * The event model, written once: what ingress hands an entity's ledger, what the ledger records
 * and answers, what travels on the events Queue. Ingress, ledger, storage, notifications and the
 * API all speak these types; `storage/event-rows.ts` maps them to D1 rows and back.
 */
import type { AnyKind } from "./catalog/catalog";
import type { QitechEvent } from "./catalog/event";
import type { Anomaly } from "./catalog/ordering";

export type SignatureScheme = "hs256" | "hmac" | "es512";

/** An authentic, classified event on its way into its entity's ledger. */
export interface IncomingEvent extends QitechEvent {
	received_at: string;
	signature_scheme: SignatureScheme;
	binding: string;
	/** The body exactly as received. */
	payload: string;
}

/** What the ledger did with an event it was given. */
export type Result = "accepted" | "duplicate" | "stale";
/** What the history keeps of an event: duplicates are not kept. */
export type RecordedResult = Exclude<Result, "duplicate">;

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
	kind: AnyKind;
	key: string;
	status: string;
	previous_status: string | null;
	occurred_at: string;
	received_at: string;
	result: RecordedResult;
	anomaly: Anomaly | null;
	signature_scheme: string;
	binding: string;
}

export interface EntityState {
	kind: AnyKind;
	key: string;
	status: string;
	occurred_at: string;
	updated_at: string;
	/** Bumped by the entity's ledger on every applied event: the newest write wins in D1. */
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
