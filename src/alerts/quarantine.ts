/**
 * `ingestion.quarantined`: an entity holds an event dated too far ahead of its arrival, kept out
 * of its state until an admin releases or discards it. Raised by the events consumer; resolved by
 * the sweep once the entity has no quarantined event left in the history.
 */
import type { Env } from "../env";
import type { EventNotification } from "../model";
import { hasQuarantined, liveAlertsOf } from "../storage/alerts";
import { fingerprintOf, type Occurrence, tally } from "./alert";
import { resolve } from "./lifecycle";

export function quarantinedOf(notifications: EventNotification[]): Occurrence[] {
	return notifications
		.filter(({ event }) => event.result === "quarantined")
		.map(({ event }) => ({
			kind: "ingestion.quarantined",
			subject: `${event.kind}:${event.key}`,
			details: {
				example_event_id: event.event_id,
				entity_kind: event.kind,
				entity_key: event.key,
				occurred_at: event.occurred_at,
				received_at: event.received_at,
			},
		}));
}

export async function sweepQuarantine(env: Env, now: Date): Promise<Record<string, number>> {
	const live = await liveAlertsOf(env.HISTORY, ["ingestion.quarantined"], 500);
	const cleared: string[] = [];
	for (const alert of live) {
		const { entity_kind, entity_key } = alert.details as Record<string, string>;
		if (!(await hasQuarantined(env.HISTORY, entity_kind, entity_key)))
			cleared.push(fingerprintOf(alert.kind, alert.subject));
	}
	return tally(await resolve(env, cleared, now));
}
