/** Delivering an event again, on an admin's request, with the same webhook-id. */
import type { Env } from "../env";
import type { RecordedEvent } from "../model";
import { recordOwedDeliveries, reopenEventDeliveries } from "../storage/deliveries";
import { listDestinations } from "../storage/destinations";
import { wants } from "./destination-rules";
import { enqueueForAdmin } from "./fan-out";

/**
 * To every enabled destination that wants it now, including ones added after it arrived; with
 * `onlyTo`, to that destination alone (when it is enabled and wants the event).
 */
export async function redeliver(
	env: Env,
	event: Pick<RecordedEvent, "event_id" | "type" | "kind" | "result">,
	onlyTo: string | null = null,
): Promise<number> {
	const targets = (await listDestinations(env.HISTORY))
		.filter((d) => d.enabled && wants(d, event) && (onlyTo === null || d.id === onlyTo))
		.map((d) => d.id);
	await recordOwedDeliveries(
		env.HISTORY,
		targets.map((destination_id) => ({ event_id: event.event_id, destination_id, outcome: "pending" })),
	);
	const reopened = await reopenEventDeliveries(env.HISTORY, event.event_id, targets);
	await enqueueForAdmin(env, reopened);
	return reopened.length;
}
