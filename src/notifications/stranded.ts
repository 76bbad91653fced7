/**
 * No delivery is stranded `pending`: when enqueueing failed after its row was written or reopened
 * (a replay, a redelivery, a destination enabled again), the Queue never heard of it. Every minute
 * the sweep hands such rows to the Queue again; the consumer skips what was delivered meanwhile.
 */
import type { Env } from "../env";
import { reclaimStranded } from "../storage/deliveries";
import type { Sweep } from "../sweeps";
import { enqueueDeliveries } from "./enqueue";

/** Longer than any Queue delivery delay of a healthy system, far shorter than a partner would wait. */
export const STRANDED_AFTER_MS = 5 * 60_000;
const PER_RUN = 500;

export function strandedCutoff(now: Date): string {
	return new Date(now.getTime() - STRANDED_AFTER_MS).toISOString();
}

export const strandedDeliveries: Sweep = {
	name: "stranded deliveries",
	async run(env: Env, now: Date) {
		const stranded = await reclaimStranded(env.HISTORY, strandedCutoff(now), PER_RUN);
		await enqueueDeliveries(env, stranded);
		return { enqueued: stranded.length };
	},
};
