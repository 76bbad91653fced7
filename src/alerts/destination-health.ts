/**
 * Destination alerts. `destination.failing` and `destination.disabled` are read off each
 * destination's health (kept by the delivery consumer) by a sweep every minute: destinations are
 * few, so one read covers them all, the delivery path does no extra work, and a removed
 * destination's alerts resolve too. `delivery.dead` is raised where deliveries die (the
 * dead-letter consumer) and resolves once the destination has no dead delivery left.
 */
import type { Env } from "../env";
import type { DeliveryJob } from "../notifications/enqueue";
import { settingsOf } from "../settings";
import { deadClearedQuery } from "../storage/alert-conditions";
import { AUTO_DISABLED, type Destination, listDestinations } from "../storage/destinations";
import { type AlertChange, type Occurrence, tally } from "./alert";
import { raise, reconcile, resolve } from "./lifecycle";

const RESOLVED_PER_RUN = 500;

export async function sweepDestinations(env: Env, now: Date): Promise<Record<string, number>> {
	const failingAfterMs = settingsOf(env).ALERT_DESTINATION_FAILING_AFTER_SECONDS * 1000;
	const destinations = await listDestinations(env.HISTORY);
	const holding = destinations.flatMap((d) => conditionsOf(d, now, failingAfterMs));
	const changes = await reconcile(env, ["destination.failing", "destination.disabled"], holding, now);
	const cleared = await deadClearedQuery(env.HISTORY, "delivery.dead", RESOLVED_PER_RUN);
	changes.push(
		...(await resolve(
			env,
			cleared.map((row) => row.fingerprint),
			now,
		)),
	);
	return { destinations: destinations.length, ...tally(changes) };
}

/**
 * Failing: every attempt failed for the configured time (a success, or an admin enabling it
 * again, resets the run). Disabled: by the receiver, not by an admin.
 */
function conditionsOf(d: Destination, now: Date, failingAfterMs: number): Occurrence[] {
	const { consecutive_failures, failing_since, last_failure } = d.health;
	const base = { destination_id: d.id, host: hostOf(d.url) };
	const failing =
		consecutive_failures > 0 && failing_since !== null && now.getTime() - Date.parse(failing_since) >= failingAfterMs;
	const occurrences: Occurrence[] = [];
	if (failing) {
		const details = { ...base, consecutive_failures, failing_since, last_failure };
		occurrences.push({ kind: "destination.failing", subject: d.id, details });
	}
	if (!d.enabled && d.disabled_reason?.startsWith(AUTO_DISABLED)) {
		occurrences.push({
			kind: "destination.disabled",
			subject: d.id,
			details: { ...base, disabled_reason: d.disabled_reason },
		});
	}
	return occurrences;
}

/** One `delivery.dead` per destination, counting its deliveries that died in this batch. */
export async function raiseDeadDeliveries(env: Env, dead: DeliveryJob[], now = new Date()): Promise<AlertChange[]> {
	const occurrences = dead.map(
		(job): Occurrence => ({
			kind: "delivery.dead",
			subject: job.destination_id,
			details: { destination_id: job.destination_id, last_event_id: job.event_id },
		}),
	);
	return raise(env, occurrences, now);
}

/** Only the host: a destination's path or query may hold a partner's token. */
function hostOf(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return "?";
	}
}
