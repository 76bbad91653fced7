/**
 * What a destination receives for an event: our fields (the entity's sequence and the status it
 * had included, so any partner can check the order), and QI Tech's payload exactly as received
 * under `data`; or, for a `thin` destination, the same fields with a link to look the event up.
 */
import type { RecordedEvent } from "../model";

function headOf(event: RecordedEvent) {
	return {
		id: event.event_id,
		type: event.type,
		entity: { kind: event.kind, key: event.key },
		status: event.status,
		previous_status: event.previous_status,
		sequence: event.sequence,
		occurred_at: event.occurred_at,
		received_at: event.received_at,
		applied: event.result === "accepted",
		anomaly: event.anomaly,
		repair: event.repair,
	};
}

/** The body as sent. `lookupBase` is PUBLIC_URL, for the thin body's link (a path without it). */
export function notificationBody(
	event: RecordedEvent,
	payload: string,
	shape: "full" | "thin" = "full",
	lookupBase: string | null = null,
): string {
	const head = headOf(event);
	if (shape === "thin") return JSON.stringify({ ...head, lookup: `${lookupBase ?? ""}/v1/events/${event.event_id}` });
	// The payload is spliced in as received: re-serialising it could change numbers or key order.
	return `${JSON.stringify(head).slice(0, -1)},"data":${payload}}`;
}

/** The full body as a value, for filters to match (notifications/filter.ts). */
export function notificationOf(event: RecordedEvent, payload: string): Record<string, unknown> {
	return { ...headOf(event), data: JSON.parse(payload) };
}
