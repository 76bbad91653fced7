/** From recorded events to one delivery job per (event, destination that wants it). */
import type { Env } from "../env";
import { ApiError } from "../errors";
import { log } from "../logger";
import type { EventNotification } from "../model";
import { type DeliveryKey, recordOwedDeliveries } from "../storage/deliveries";
import { listDestinations } from "../storage/destinations";
import { wants } from "./destination-rules";
import { STRANDED_AFTER_MS } from "./stranded";

export type DeliveryJob = DeliveryKey;

const SEND_BATCH_MAX = 100;

export async function fanOut(env: Env, notifications: EventNotification[]): Promise<void> {
	const destinations = await listDestinations(env.HISTORY);
	if (destinations.length === 0) return;
	const owed = notifications.flatMap(({ event }) =>
		destinations
			.filter((d) => wants(d, event))
			.map((d) => ({
				event_id: event.event_id,
				destination_id: d.id,
				outcome: d.enabled ? ("pending" as const) : ("paused" as const),
			})),
	);
	await recordOwedDeliveries(env.HISTORY, owed);
	await enqueueDeliveries(
		env,
		owed.filter((o) => o.outcome === "pending"),
	);
}

/** At least once: the delivery consumer skips a delivery that already succeeded. */
export async function enqueueDeliveries(env: Env, jobs: DeliveryJob[]): Promise<void> {
	for (let i = 0; i < jobs.length; i += SEND_BATCH_MAX) {
		const slice = jobs.slice(i, i + SEND_BATCH_MAX);
		await env.DELIVERIES_QUEUE.sendBatch(
			slice.map(({ event_id, destination_id }) => ({ body: { event_id, destination_id } })),
		);
	}
}

/** For an admin's request: rows are reopened already, so a Queue that refuses leaves them to the sweep. */
export async function enqueueForAdmin(env: Env, jobs: DeliveryJob[]): Promise<void> {
	try {
		await enqueueDeliveries(env, jobs);
	} catch (err) {
		log("error", { message: "deliveries not enqueued; the stranded-deliveries sweep will", error: String(err) });
		throw new ApiError(
			"unavailable",
			`${jobs.length} deliveries are pending but could not be queued; they will be sent within ${STRANDED_AFTER_MS / 60_000 + 1} minutes`,
			undefined,
			{ "Retry-After": "60" },
		);
	}
}
