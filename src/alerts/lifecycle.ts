/**
 * An alert's life: raised (opened, or counted on the live alert of its fingerprint), acknowledged
 * by an operator, resolved when its condition clears. An acknowledged alert stays acknowledged
 * while the condition lasts (repeats still count) and resolves like an open one when it clears;
 * an occurrence after the resolution opens a new alert. Each call is one D1 statement and answers
 * what it changed, so channels hear of openings and resolutions only (src/alerts/channels.ts).
 */
import type { Env } from "../env";
import { forwardOps } from "../notifications/ops-forwarding";
import { type SettingsEnv, settingsOf } from "../settings";
import type { AlertStatus } from "../storage/alert-schema";
import {
	acknowledgeAlert,
	alertById,
	fromAlertRow,
	liveFingerprints,
	type NewAlertRow,
	resolveAlerts,
	upsertAlerts,
} from "../storage/alerts";
import { type Alert, type AlertChange, type AlertKind, fingerprintOf, type Occurrence } from "./alert";
import { channelsConfigured } from "./channels";

export type AlertEnv = Pick<Env, "HISTORY" | "DELIVERIES_QUEUE"> & SettingsEnv;

/** Raises every occurrence; several of one fingerprint in a call count as one repeat of their summed count. */
export async function raise(env: AlertEnv, occurrences: Occurrence[], now = new Date()): Promise<AlertChange[]> {
	if (occurrences.length === 0) return [];
	const at = now.toISOString();
	const notify = channelsConfigured(settingsOf(env)) ? ("opened" as const) : null;
	const rows = new Map<string, NewAlertRow>();
	for (const o of occurrences) {
		const fingerprint = fingerprintOf(o.kind, o.subject);
		const count = (rows.get(fingerprint)?.count ?? 0) + (o.count ?? 1);
		const details = JSON.stringify(o.details);
		const status: AlertStatus = "open";
		const row = { id: newAlertId(), kind: o.kind, fingerprint, subject: o.subject, status, details, count };
		rows.set(fingerprint, { ...row, first_seen: at, last_seen: at, notify });
	}
	const proposed = new Set([...rows.values()].map((row) => row.id));
	const stored = await upsertAlerts(env.HISTORY, [...rows.values()]);
	const changes = stored.map(
		(row): AlertChange => ({ change: proposed.has(row.id) ? "opened" : "repeated", alert: fromAlertRow(row) }),
	);
	await forwardOps(env, changes);
	return changes;
}

/** Resolves the live alerts of these fingerprints; a fingerprint with no live alert is no change. */
export async function resolve(env: AlertEnv, fingerprints: string[], now = new Date()): Promise<AlertChange[]> {
	const notify = channelsConfigured(settingsOf(env));
	const resolved = await resolveAlerts(env.HISTORY, [...new Set(fingerprints)], now.toISOString(), notify);
	const changes = resolved.map((row): AlertChange => ({ change: "resolved", alert: fromAlertRow(row) }));
	await forwardOps(env, changes);
	return changes;
}

/**
 * Records who acknowledged an open alert. Acknowledging it again, or a resolved alert, changes
 * nothing (`changed: false`); null when there is no such alert.
 */
export async function acknowledge(
	env: AlertEnv,
	id: string,
	by: string,
	now = new Date(),
): Promise<{ alert: Alert; changed: boolean } | null> {
	const acknowledged = await acknowledgeAlert(env.HISTORY, id, by, now.toISOString());
	if (acknowledged) return { alert: fromAlertRow(acknowledged), changed: true };
	const row = await alertById(env.HISTORY, id);
	return row ? { alert: fromAlertRow(row), changed: false } : null;
}

/** Most live alerts of the reconciled kinds one call looks at; these kinds have few subjects. */
const RECONCILED_MAX = 1_000;

/**
 * For conditions evaluated in full on every run: raises those that hold and resolves the live
 * alerts of these kinds that no longer do.
 */
export async function reconcile(
	env: AlertEnv,
	kinds: AlertKind[],
	holding: Occurrence[],
	now = new Date(),
): Promise<AlertChange[]> {
	const held = new Set(holding.map((o) => fingerprintOf(o.kind, o.subject)));
	const live = await liveFingerprints(env.HISTORY, kinds, RECONCILED_MAX);
	const resolved = await resolve(
		env,
		live.filter((fingerprint) => !held.has(fingerprint)),
		now,
	);
	return [...resolved, ...(await raise(env, holding, now))];
}

function newAlertId(): string {
	return `alr_${crypto.randomUUID().replaceAll("-", "")}`;
}
