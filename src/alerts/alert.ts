/**
 * The alert model: what needs an operator, named by a fingerprint (kind + subject).
 */
import type { AlertStatus } from "../storage/alert-schema";

export const ALERT_KINDS = [
	/** Subject `kind:key`: an entity longer than its allowance in an open status (business time). */
	"entity.stuck",
	/** Subject a destination id: every attempt failing for ALERT_DESTINATION_FAILING_AFTER_SECONDS. */
	"destination.failing",
	/** Subject a destination id: disabled automatically after failing for too long. */
	"destination.disabled",
	/** Subject a destination id: deliveries that used up their retries. */
	"delivery.dead",
	/** Subject `signatures`: a burst of rejected signatures. */
	"ingestion.rejections",
	/** Subject `history`: accepted events not in D1 minutes later. */
	"ingestion.history_lag",
	/** Subject a /readyz check (`d1`, `events_queue`, …) that fails. */
	"ingestion.not_ready",
	/** Subject `kind:key`: an entity with an event dated too far ahead, quarantined until an admin acts. */
	"ingestion.quarantined",
	/** Contract drift, raised by the events consumer. Subject the type: a type outside the catalog. */
	"contract.new_type",
	/** Subject `type:status`: a status the type's flow does not document. */
	"contract.new_status",
	/** Subject `kind:from->to`: a move the documented flows do not allow. */
	"contract.unexpected_transition",
	/** Subject `type:path`: a payload field QI Tech's documented examples do not have. */
	"contract.new_field",
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export type Details = Record<string, unknown>;

/** What a sweep or a consumer saw: raised, it opens an alert or counts on the live one. */
export interface Occurrence {
	kind: AlertKind;
	subject: string;
	details: Details;
	/** How many things this occurrence stands for (e.g. dead deliveries); 1 when absent. */
	count?: number;
}

export interface Alert {
	id: string;
	kind: AlertKind;
	fingerprint: string;
	status: AlertStatus;
	subject: string;
	details: Details;
	count: number;
	first_seen: string;
	last_seen: string;
	acknowledged_at: string | null;
	acknowledged_by: string | null;
	resolved_at: string | null;
}

/** What a lifecycle call did to an alert. Channels hear of openings and resolutions, never of repeats. */
export type Change = "opened" | "repeated" | "resolved";

export interface AlertChange {
	change: Change;
	alert: Alert;
}

export function fingerprintOf(kind: AlertKind, subject: string): string {
	return `${kind}:${subject}`;
}

/** The console page of what the alert is about, e.g. `/console/entities/assignment/A-1`; null if none. */
export function consolePathOf(alert: Pick<Alert, "kind" | "details">): string | null {
	const { entity_kind, entity_key, destination_id } = alert.details;
	if (typeof entity_kind === "string" && typeof entity_key === "string") {
		return `/console/entities/${encodeURIComponent(entity_kind)}/${encodeURIComponent(entity_key)}`;
	}
	if (typeof destination_id === "string") return `/console/destinations/${encodeURIComponent(destination_id)}`;
	const { example_event_id } = alert.details;
	if (alert.kind.startsWith("contract.") && typeof example_event_id === "string") {
		return `/console/events/${encodeURIComponent(example_event_id)}`;
	}
	return null;
}

/** Opened, repeated and resolved, counted: what a sweep logs. */
export function tally(changes: readonly AlertChange[]): Record<Change, number> {
	const counts = { opened: 0, repeated: 0, resolved: 0 };
	for (const { change } of changes) counts[change]++;
	return counts;
}
