/** Delivering an event again, on an admin's request, with the same webhook-id. */
import type { Env } from "../env";
import type { RecordedEvent } from "../model";
import { recordOwedDeliveries, reopenEventDeliveries } from "../storage/deliveries";
import { listDestinations } from "../storage/destinations";
import { enqueueForAdmin } from "./enqueue";
import { owedDeliveries } from "./fan-out";

/**
 * To every enabled destination that wants it now (filters included), including ones added after
 * it arrived; with `onlyTo`, to that destination alone (when it is enabled and wants the event).
 */
export async function redeliver(
	env: Env,
	event: RecordedEvent,
	payload: string,
	onlyTo: string | null = null,
): Promise<number> {
	const targets = (await listDestinations(env.HISTORY)).filter(
		(d) => d.enabled && (onlyTo === null || d.id === onlyTo),
	);
	const owed = owedDeliveries(targets, [{ event, payload, entity: null }], new Map());
	await recordOwedDeliveries(env.HISTORY, owed);
	const reopened = await reopenEventDeliveries(
		env.HISTORY,
		event.event_id,
		owed.map((o) => o.destination_id),
	);
	await enqueueForAdmin(env, reopened);
	return reopened.length;
}
