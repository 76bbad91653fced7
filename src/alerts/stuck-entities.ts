/**
 * The stuck-entity sweep: an entity in an open status for longer than that status's allowance
 * (src/catalog/allowances.ts), counted on the business-day clock, raises `entity.stuck`.
 *
 * Time in a status counts from the entity's `updated_at`: when the receiver got the event that
 * set it, on the same clock as the Cron Trigger's `now`. QI Tech's own event time would make a
 * late or replayed delivery (a backfill, a resend days later) stuck the moment it arrives, and
 * would trust the sender's clock; and `updated_at` is what the index `entities_by_status` orders.
 */

import { allowanceOf, openStatusesOf } from "../catalog/allowances";
import { ENTITY_KINDS } from "../catalog/catalog";
import { entityName } from "../catalog/event";
import type { Env } from "../env";
import { calendarOf, settingsOf } from "../settings";
import { movedOnQuery, type StatusWatch, type StuckCandidate, stuckCandidates } from "../storage/alert-conditions";
import { type Occurrence, tally } from "./alert";
import { addBusinessMs, type CalendarOptions } from "./business-clock";
import { raise, resolve } from "./lifecycle";

export const STUCK = "entity.stuck";
/** Oldest first: an older entity is stuck whenever a newer one in the same status is. */
const CANDIDATES_PER_STATUS = 500;
const RESOLVED_PER_RUN = 500;

interface Watch extends StatusWatch {
	allowanceMs: number;
}

export async function sweepStuckEntities(env: Env, now: Date): Promise<Record<string, number>> {
	const settings = settingsOf(env);
	const calendar = calendarOf(settings);
	// First what moved on, so an entity stuck again in a new status opens a new alert.
	const movedOn = await movedOnQuery(env.HISTORY, STUCK, RESOLVED_PER_RUN);
	const resolved = await resolve(
		env,
		movedOn.map((row) => row.fingerprint),
		now,
	);
	const watches = watchesOf(settings.STUCK_ALLOWANCES, now);
	const lists = await stuckCandidates(env.HISTORY, watches, CANDIDATES_PER_STATUS);
	const stuck = watches.flatMap((watch, i) => stuckOf(lists[i], watch, now, calendar));
	const raised = await raise(env, stuck, now);
	return { candidates: lists.flat().length, stuck: stuck.length, ...tally([...resolved, ...raised]) };
}

/**
 * Every open status with an allowance. Business time never exceeds wall time, so only entities
 * that entered the status at least the allowance ago in wall time can be stuck.
 */
function watchesOf(overrides: Parameters<typeof allowanceOf>[2], now: Date): Watch[] {
	return ENTITY_KINDS.flatMap((kind) =>
		openStatusesOf(kind).flatMap((status) => {
			const allowanceMs = allowanceOf(kind, status, overrides);
			if (allowanceMs === null) return [];
			return [{ kind, status, allowanceMs, enteredBy: new Date(now.getTime() - allowanceMs).toISOString() }];
		}),
	);
}

function stuckOf(candidates: StuckCandidate[], watch: Watch, now: Date, calendar: CalendarOptions): Occurrence[] {
	return candidates.flatMap((entity) => {
		// The instant its allowance ran out: found walking forward from its entry, so the cost is
		// the allowance's length, not how long ago the entity got stuck.
		const stuckAt = addBusinessMs(Date.parse(entity.updated_at), watch.allowanceMs, calendar);
		if (stuckAt > now.getTime()) return [];
		const details = {
			entity_kind: entity.kind,
			entity_key: entity.key,
			status: entity.status,
			since: entity.updated_at,
			allowance_ms: watch.allowanceMs,
			stuck_at: new Date(stuckAt).toISOString(),
		};
		return [{ kind: STUCK, subject: entityName(entity.kind, entity.key), details }];
	});
}
