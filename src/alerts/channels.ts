/**
 * Tells the channels (ALERT_SLACK_WEBHOOK_URL) of openings and resolutions, from the Cron
 * Trigger, never on the webhook path. A change waits on its alert row (`notify`) until a message
 * about it went through, so a failing Slack is logged and told again on the next run.
 */
import type { Env } from "../env";
import { log } from "../logger";
import { type Settings, settingsOf } from "../settings";
import { fromAlertRow, markNotified, pendingNotificationsQuery } from "../storage/alerts";
import type { AlertChange } from "./alert";
import { type Outgoing, type SlackMessage, slackMessages } from "./messages";

/** Changes are only queued for telling when there is a channel to tell. */
export function channelsConfigured(settings: Settings): boolean {
	return settings.ALERT_SLACK_WEBHOOK_URL !== null;
}

const PENDING_PER_RUN = 100;
const POST_TIMEOUT_MS = 10_000;

export async function tellChannels(env: Env, now: Date): Promise<Record<string, number>> {
	const { ALERT_SLACK_WEBHOOK_URL: url, PUBLIC_URL } = settingsOf(env);
	if (url === null) return { told: 0 };
	const pending = await pendingNotificationsQuery(env.HISTORY, PENDING_PER_RUN);
	const changes = pending
		.map((row) => ({ change: row.notify ?? "opened", alert: fromAlertRow(row) }))
		.sort((a, b) => (changedAt(a) < changedAt(b) ? -1 : 1));
	const told: Outgoing[] = [];
	for (const outgoing of slackMessages(changes, PUBLIC_URL)) {
		// Slack down: the rest would fail the same way; they wait for the next run.
		if (!(await post(url, outgoing.message))) break;
		told.push(outgoing);
	}
	const rows = told.flatMap(({ told, alerts }) => alerts.map((alert) => ({ id: alert.id, notify: told })));
	if (rows.length > 0) await markNotified(env.HISTORY, rows, now.toISOString());
	return { told: rows.length, waiting: pending.length - rows.length };
}

/** In the order things happened. */
function changedAt({ change, alert }: AlertChange): string {
	return (change === "resolved" ? alert.resolved_at : null) ?? alert.first_seen;
}

async function post(url: string, message: SlackMessage): Promise<boolean> {
	try {
		const response = await fetch(url, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify(message),
			signal: AbortSignal.timeout(POST_TIMEOUT_MS),
		});
		await response.body?.cancel();
		if (response.ok) return true;
		log("error", { message: "alert channel refused a message", channel: "slack", status: response.status });
	} catch (err) {
		log("error", { message: "alert channel unreachable", channel: "slack", error: String(err) });
	}
	return false;
}
