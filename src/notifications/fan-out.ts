/**
 * From recorded events to what each destination is owed: one delivery per (event, destination
 * that wants it: types, kinds, stale or not, and its content filter). Pure; the events consumer
 * writes the deliveries with the history in one transaction (storage/history.ts).
 */
import { entityName } from "../catalog/event";
import type { EventNotification } from "../model";
import type { Owed } from "../storage/deliveries";
import type { Destination } from "../storage/destinations";
import { wants } from "./destination-rules";
import { matches } from "./filter";
import { notificationOf } from "./notification-body";

/** `payloads`: the bodies of notifications whose payload travelled by reference. */
export function owedDeliveries(
	destinations: Destination[],
	notifications: EventNotification[],
	payloads: Map<string, string>,
): Owed[] {
	if (destinations.length === 0) return [];
	return notifications.flatMap(({ event, payload }) => {
		let body: Record<string, unknown> | null = null;
		const bodyOf = () => {
			body ??= notificationOf(event, payload ?? payloads.get(event.event_id) ?? "null");
			return body;
		};
		return destinations
			.filter((d) => wants(d, event) && (d.filter === null || matches(d.filter, bodyOf())))
			.map((d) => ({
				event_id: event.event_id,
				destination_id: d.id,
				outcome: d.enabled ? ("pending" as const) : ("paused" as const),
				sequence: event.sequence,
				entity: d.ordering === "entity" ? entityName(event.kind, event.key) : null,
			}));
	});
}
