/**
 * The hook for telling destinations of alerts through our own forwarding: each opening or
 * resolution as an operational event `ops.<alert kind>` (`ops.entity.stuck`,
 * `ops.destination.disabled`, later `ops.contract.new_field`, …). Pure. Wiring it into the
 * fan-out (subscriptions by `event_types`, signing like every delivery) is not done here.
 */
import type { Alert, AlertKind } from "./alert";
import { consolePathOf } from "./alert";
import type { Told } from "./messages";

export type OpsEventType = `ops.${AlertKind}`;

export interface OpsEvent {
	type: OpsEventType;
	/** `alert_id:opened` or `alert_id:resolved`: the same on every retry, so destinations can deduplicate. */
	id: string;
	change: Told;
	occurred_at: string;
	alert: Pick<Alert, "id" | "kind" | "fingerprint" | "status" | "subject" | "details" | "count" | "first_seen"> & {
		console_path: string | null;
	};
}

export function opsEventOf(alert: Alert, change: Told): OpsEvent {
	const { id, kind, fingerprint, status, subject, details, count, first_seen } = alert;
	return {
		type: `ops.${kind}`,
		id: `${id}:${change}`,
		change,
		occurred_at: change === "opened" ? first_seen : (alert.resolved_at ?? alert.last_seen),
		alert: { id, kind, fingerprint, status, subject, details, count, first_seen, console_path: consolePathOf(alert) },
	};
}
