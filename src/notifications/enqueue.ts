/** Handing deliveries to the deliveries Queue: one message per (event, destination). */
import type { Env } from "../env";
import { ApiError } from "../errors";
import { log } from "../logger";
import type { DeliveryKey } from "../storage/deliveries";
import { STRANDED_AFTER_MS } from "./stranded";

export type DeliveryJob = DeliveryKey;

const SEND_BATCH_MAX = 100;

/** At least once: the delivery consumer skips a delivery that already succeeded. */
export async function enqueueDeliveries(env: Pick<Env, "DELIVERIES_QUEUE">, jobs: DeliveryJob[]): Promise<void> {
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
