/**
 * What channels are told, as Slack incoming-webhook messages `{text, blocks}` (`text` is the
 * fallback for notifications and for clients without blocks). Pure: the alerts and the public
 * base URL in, the messages out. More than DIGEST_OVER openings (or resolutions) at once are one
 * digest message, not one each.
 *
 * Other chat tools: Discord's webhook URLs take `{content}`, but the same URL with `/slack`
 * appended takes this Slack shape as it is. Microsoft Teams' incoming webhooks and Workflows
 * take `{text}` or an Adaptive Card, not `blocks`: they show `text`. A Workflow made from the
 * "post to a channel when a webhook request is received" template wants an Adaptive Card and
 * needs a step that posts `text`.
 */
import { type Alert, type AlertChange, consolePathOf } from "./alert";

export const DIGEST_OVER = 5;
/** Alerts a digest names one by one; the rest are counted. */
const DIGEST_LINES = 10;

export type Told = "opened" | "resolved";

export interface SlackMessage {
	text: string;
	blocks: ({ type: "section"; text: Mrkdwn } | { type: "context"; elements: Mrkdwn[] })[];
}
type Mrkdwn = { type: "mrkdwn"; text: string };

/** A message and the alerts whose change it tells. */
export interface Outgoing {
	told: Told;
	alerts: Alert[];
	message: SlackMessage;
}

/** Repeats are not told: only openings and resolutions. */
export function slackMessages(changes: readonly AlertChange[], publicUrl: string | null): Outgoing[] {
	return (["opened", "resolved"] as const).flatMap((told) => {
		const alerts = changes.filter((c) => c.change === told).map((c) => c.alert);
		if (alerts.length > DIGEST_OVER) return [{ told, alerts, message: digest(told, alerts, publicUrl) }];
		return alerts.map((alert) => ({ told, alerts: [alert], message: single(told, alert, publicUrl) }));
	});
}

const MARK: Record<Told, string> = { opened: ":rotating_light:", resolved: ":white_check_mark:" };
const VERB: Record<Told, string> = { opened: "Alert", resolved: "Resolved" };

function single(told: Told, alert: Alert, publicUrl: string | null): SlackMessage {
	const { title, summary } = describeAlert(alert);
	const link = linkOf(alert, publicUrl);
	const seen = told === "opened" ? `first seen ${alert.first_seen}` : `resolved ${alert.resolved_at}`;
	return {
		text: `${MARK[told]} ${VERB[told]}: ${title}`,
		blocks: [
			section(
				`${MARK[told]} *${VERB[told]}: ${mrkdwnEscaped(title)}*\n${mrkdwnEscaped(summary)}${link ? `\n${link}` : ""}`,
			),
			{ type: "context", elements: [mrkdwn(`${mrkdwnEscaped(alert.fingerprint)} · ${seen} · seen ${alert.count}×`)] },
		],
	};
}

function digest(told: Told, alerts: Alert[], publicUrl: string | null): SlackMessage {
	const heading = `${alerts.length} alerts ${told}`;
	const lines = alerts.slice(0, DIGEST_LINES).map((alert) => {
		const link = linkOf(alert, publicUrl);
		return `• ${mrkdwnEscaped(describeAlert(alert).title)}${link ? ` (${link})` : ""}`;
	});
	if (alerts.length > DIGEST_LINES) lines.push(`…and ${alerts.length - DIGEST_LINES} more: GET /v1/alerts`);
	return { text: `${MARK[told]} ${heading}`, blocks: [section(`${MARK[told]} *${heading}*\n${lines.join("\n")}`)] };
}

/** A one-line title and a sentence, from the alert's kind and details. */
export function describeAlert(alert: Alert): { title: string; summary: string } {
	const d = alert.details as Record<string, string | number | null | undefined>;
	switch (alert.kind) {
		case "entity.stuck":
			return {
				title: `${d.entity_kind} ${d.entity_key} stuck in ${d.status}`,
				summary: `In ${d.status} since ${d.since}: over its allowance of ${durationText(Number(d.allowance_ms))} of business time since ${d.stuck_at}.`,
			};
		case "destination.failing":
			return {
				title: `Destination ${alert.subject} (${d.host}) failing`,
				summary: `${d.consecutive_failures} failed attempts in a row since ${d.failing_since}; last: ${d.last_failure}.`,
			};
		case "destination.disabled":
			return { title: `Destination ${alert.subject} (${d.host}) disabled`, summary: `${d.disabled_reason}.` };
		case "delivery.dead":
			return {
				title: `Deliveries to ${alert.subject} gone dead`,
				summary: `${alert.count} deliveries used up their retries; replay them with POST /v1/destinations/${alert.subject}/replay-failed.`,
			};
		case "ingestion.rejections":
			return {
				title: "Burst of rejected webhook signatures",
				summary: `${d.rejections} rejected signatures in ${Number(d.window_seconds) / 60} minutes (threshold ${d.threshold}): a wrong key at QI Tech, or an attack.`,
			};
		case "ingestion.history_lag":
			return {
				title: "Accepted events missing from the history",
				summary: `${d.missing} accepted events are not in D1 minutes later (e.g. ${d.example_event_id}): the outbox or the Queue is stuck.`,
			};
		case "ingestion.not_ready":
			return { title: `Not ready: ${alert.subject}`, summary: `/readyz check ${alert.subject}: ${d.result}.` };
		case "ingestion.quarantined":
			return {
				title: `${alert.subject}: an event dated too far ahead, quarantined`,
				summary: `Event ${d.example_event_id} says ${d.occurred_at}, received ${d.received_at}: release or discard it (admin API or console).`,
			};
		case "contract.new_type":
			return {
				title: `QI Tech sent a new event type: ${alert.subject}`,
				summary: `${alert.count} events of a type the catalog does not know (e.g. ${d.example_event_id}), kept as unclassified.`,
			};
		case "contract.new_status":
			return {
				title: `QI Tech sent a new status: ${d.status} of ${d.type}`,
				summary: `${alert.count} events with a status the flow does not document (e.g. ${d.example_event_id}).`,
			};
		case "contract.unexpected_transition":
			return {
				title: `Unexpected move for ${d.kind}: ${d.from} → ${d.to}`,
				summary: `${alert.count} events moved an entity where the documented flows do not lead (e.g. ${d.example_event_id}).`,
			};
		case "contract.new_field":
			return {
				title: `New field in ${d.type}: ${d.field}`,
				summary: `${alert.count} events carry a field QI Tech's documented examples do not have (e.g. ${d.example_event_id}).`,
			};
	}
}

export function linkOf(alert: Alert, publicUrl: string | null): string | null {
	const path = consolePathOf(alert);
	return path && publicUrl ? `<${publicUrl}${path}|Open in the console>` : null;
}

/** "9h", "1h30m", "45m". */
export function durationText(ms: number): string {
	const minutes = Math.round(ms / 60_000);
	const [h, m] = [Math.floor(minutes / 60), minutes % 60];
	return h === 0 ? `${m}m` : m === 0 ? `${h}h` : `${h}h${m}m`;
}

const section = (text: string) => ({ type: "section" as const, text: mrkdwn(text) });
const mrkdwn = (text: string): Mrkdwn => ({ type: "mrkdwn", text });

/** Slack's mrkdwn control characters. */
function mrkdwnEscaped(text: string): string {
	return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
