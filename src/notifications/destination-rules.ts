/** Which events a destination wants (its URL rules are destination-url.ts). */
import type { RecordedEvent } from "../model";

export interface Subscription {
	event_types: string[];
	kinds: string[] | null;
	include_stale: boolean;
}

export function wants(destination: Subscription, event: Pick<RecordedEvent, "type" | "kind" | "result">): boolean {
	// Quarantined and discarded events are not forwarded: they were never applied (released ones are).
	if (event.result === "quarantined" || event.result === "discarded") return false;
	if (event.result === "stale" && !destination.include_stale) return false;
	if (destination.kinds !== null && !destination.kinds.includes(event.kind)) return false;
	return destination.event_types.some((pattern) =>
		pattern.endsWith("*") ? event.type.startsWith(pattern.slice(0, -1)) : event.type === pattern,
	);
}
