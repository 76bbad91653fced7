/**
 * Time-based ingestion alerts, evaluated by the Cron Trigger: a burst of rejected signatures
 * (`ingestion.rejections`) and /readyz's checks failing (`ingestion.not_ready`, one alert per
 * check). Each resolves on the first run that finds its condition cleared.
 */
import type { Env } from "../env";
import { readinessChecks } from "../health";
import { settingsOf } from "../settings";
import { rejectionsQuery } from "../storage/alert-conditions";
import { fingerprintOf, type Occurrence, tally } from "./alert";
import { raise, reconcile, resolve } from "./lifecycle";

/** Rejections that mean "not signed by QI Tech's key": a misconfigured key at either end, or an attack. */
const SIGNATURE_REASONS = ["invalid_signature", "missing_signature"];
export const REJECTION_WINDOW_MS = 5 * 60_000;

export async function sweepRejections(env: Env, now: Date): Promise<Record<string, number>> {
	const threshold = settingsOf(env).ALERT_REJECTIONS_THRESHOLD;
	const since = new Date(now.getTime() - REJECTION_WINDOW_MS).toISOString();
	const [{ rejections }] = await rejectionsQuery(env.HISTORY, SIGNATURE_REASONS, since, now.toISOString());
	const subject = "signatures";
	if (rejections <= threshold) {
		return { rejections, ...tally(await resolve(env, [fingerprintOf("ingestion.rejections", subject)], now)) };
	}
	const details = { rejections, window_seconds: REJECTION_WINDOW_MS / 1000, threshold, since };
	return { rejections, ...tally(await raise(env, [{ kind: "ingestion.rejections", subject, details }], now)) };
}

export async function sweepReadiness(env: Env, now: Date): Promise<Record<string, number>> {
	const checks = await readinessChecks(env);
	const failing = Object.entries(checks).filter(([, result]) => result !== "ok");
	const holding = failing.map(
		([check, result]): Occurrence => ({ kind: "ingestion.not_ready", subject: check, details: { check, result } }),
	);
	return { failing: failing.length, ...tally(await reconcile(env, ["ingestion.not_ready"], holding, now)) };
}
