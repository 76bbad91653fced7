/**
 * Contract drift: QI Tech sending what its documentation does not say. The events consumer
 * raises it (off the webhook path), one alert per new type, status, move or field, its first
 * event the example and later ones counted on it; the sweep resolves what the catalog has since
 * learnt (a deploy with the new type, status, path or field), and the operator acknowledges the rest.
 */
import { type AnyKind, isEventType } from "../catalog/catalog";
import { isDocumentedField, undocumentedFields } from "../catalog/documented-fields";
import { isDocumentedMove, isKnownStatus } from "../catalog/ordering";
import type { Env } from "../env";
import type { EventNotification } from "../model";
import { liveAlertsOf } from "../storage/alerts";
import { type Alert, type AlertKind, fingerprintOf, type Occurrence, tally } from "./alert";
import { resolve } from "./lifecycle";

export const DRIFT_KINDS: AlertKind[] = [
	"contract.new_type",
	"contract.new_status",
	"contract.unexpected_transition",
	"contract.new_field",
];

/** What a batch of events shows of drift. `payloads`: the bodies that travelled by reference. */
export function driftOf(notifications: EventNotification[], payloads: Map<string, string>): Occurrence[] {
	return notifications.flatMap(({ event, payload }): Occurrence[] => {
		const example = { example_event_id: event.event_id };
		if (event.result === "quarantined" || event.result === "discarded") return [];
		if (event.kind === "unclassified") {
			return [{ kind: "contract.new_type", subject: event.type, details: { ...example, type: event.type } }];
		}
		const found: Occurrence[] = [];
		if (event.anomaly === "unknown_status") {
			const details = { ...example, type: event.type, kind: event.kind, status: event.status };
			found.push({ kind: "contract.new_status", subject: `${event.type}:${event.status}`, details });
		}
		if (event.anomaly === "unexpected_transition") {
			const details = { ...example, kind: event.kind, from: event.previous_status, to: event.status };
			found.push({
				kind: "contract.unexpected_transition",
				subject: `${event.kind}:${event.previous_status}->${event.status}`,
				details,
			});
		}
		const body = payload ?? payloads.get(event.event_id);
		if (body !== undefined && event.repair === null) {
			for (const field of undocumentedFields(event.type, JSON.parse(body))) {
				found.push({
					kind: "contract.new_field",
					subject: `${event.type}:${field}`,
					details: { ...example, type: event.type, field },
				});
			}
		}
		return found;
	});
}

/** Still drift by the catalog of this deploy? */
function stillDrift(alert: Alert): boolean {
	const d = alert.details as Record<string, string>;
	switch (alert.kind) {
		case "contract.new_type":
			return !isEventType(d.type);
		case "contract.new_status":
			return !isKnownStatus(d.kind as AnyKind, d.status);
		case "contract.unexpected_transition":
			return !isDocumentedMove(d.kind as AnyKind, d.from, d.to);
		case "contract.new_field":
			return !isDocumentedField(d.type, d.field);
		default:
			return true;
	}
}

export async function sweepContractDrift(env: Env, now: Date): Promise<Record<string, number>> {
	const live = await liveAlertsOf(env.HISTORY, DRIFT_KINDS, 1000);
	const learnt = live.filter((alert) => !stillDrift(alert)).map((a) => fingerprintOf(a.kind, a.subject));
	return tally(await resolve(env, learnt, now));
}
