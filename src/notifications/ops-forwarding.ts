/**
 * Alerts forwarded as operational events through our own forwarding: each opening or resolution
 * becomes an `ops.<alert kind>` event (alerts/ops-events.ts), delivered, signed and retried like
 * any other, to the destinations whose event_types name it (`ops.*`, `ops.entity.*`, or the exact
 * type: a bare `*` means QI Tech's events only, so no destination gets them unasked).
 */

import { sql } from "drizzle-orm";
import { type AlertChange, tally } from "../alerts/alert";
import { opsEventOf } from "../alerts/ops-events";
import type { Env } from "../env";
import { log } from "../logger";
import { opsEvents } from "../storage/alert-schema";
import { owedStatements } from "../storage/deliveries";
import { listDestinations } from "../storage/destinations";
import { batchOf, insertRows } from "../storage/rows";
import { enqueueDeliveries } from "./enqueue";

export const OPS_PREFIX = "ops:";

export function wantsOps(eventTypes: string[], type: string): boolean {
	return eventTypes.some((pattern) =>
		pattern.endsWith("*") ? pattern !== "*" && type.startsWith(pattern.slice(0, -1)) : type === pattern,
	);
}

/** Never throws: an alert that cannot be forwarded is logged; its channels still hear of it. */
export async function forwardOps(
	env: Pick<Env, "HISTORY" | "DELIVERIES_QUEUE">,
	changes: AlertChange[],
): Promise<void> {
	const told = changes.filter((c) => c.change !== "repeated");
	if (told.length === 0) return;
	try {
		const destinations = (await listDestinations(env.HISTORY)).filter((d) =>
			d.event_types.some((t) => t.startsWith("ops.")),
		);
		if (destinations.length === 0) return;
		const events = told.map(({ alert, change }) => {
			const event = opsEventOf(alert, change === "resolved" ? "resolved" : "opened");
			return { ...event, id: `${OPS_PREFIX}${event.id}` };
		});
		const at = new Date().toISOString();
		const owed = events.flatMap((event) =>
			destinations
				.filter((d) => wantsOps(d.event_types, event.type))
				.map((d) => ({
					event_id: event.id,
					destination_id: d.id,
					outcome: d.enabled ? ("pending" as const) : ("paused" as const),
					sequence: 0,
					entity: null,
				})),
		);
		const rows = events.map((e) => ({ id: e.id, type: e.type, occurred_at: e.occurred_at, body: JSON.stringify(e) }));
		await batchOf(env.HISTORY, [
			...insertRows(opsEvents, rows, sql`ON CONFLICT DO NOTHING`),
			...owedStatements(owed, at),
		]);
		await enqueueDeliveries(
			env,
			owed.filter((o) => o.outcome === "pending"),
		);
	} catch (err) {
		log("error", { message: "alerts not forwarded as ops events", ...tally(told), error: String(err) });
	}
}
