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

/**
 * What the ledger did with an event it was given: `quarantined` when its time is too far ahead of
 * its arrival to be trusted (kept, not applied, not forwarded, until an admin releases or discards it).
 */
export const RESULTS = ["accepted", "duplicate", "stale", "quarantined"] as const;
export type Result = (typeof RESULTS)[number];
/** What the history keeps of an event (duplicates are not kept): `discarded` by an admin. */
export const RECORDED_RESULTS = ["accepted", "stale", "quarantined", "discarded"] as const;
export type RecordedResult = (typeof RECORDED_RESULTS)[number];

/** The anomalies the flows judge, and an event dated too far ahead of its arrival. */
export const EVENT_ANOMALIES = [
	"unknown_status",
	"unexpected_transition",
	"future_timestamp",
] as const satisfies readonly (Anomaly | "future_timestamp")[];
export type EventAnomaly = (typeof EVENT_ANOMALIES)[number];

/** An admin's repair of a ledger, kept on the event it made or changed. */
export interface Repair {
	action: "correction" | "release" | "discard";
	/** The label of the admin key (or console user) that did it. */
	by: string;
	reason: string | null;
	at: string;
}

export interface Verdict {
	result: Result;
	event_id: string;
	entity: string;
	/** The entity's current status after this event; null while every event it has is quarantined. */
	status: string | null;
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
	anomaly: EventAnomaly | null;
	signature_scheme: string;
	binding: string;
	/** 1, 2, … in the order the entity's ledger recorded its events. */
	sequence: number;
	repair: Repair | null;
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
	/** Null while every event of the entity is quarantined: it has no state yet. */
	entity: EntityState | null;
}
