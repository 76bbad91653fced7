/** An entity's state and how an applied event, or an admin's repair, moves it. Pure. */
import type { Anomaly, Moment } from "../catalog/ordering";
import { hex } from "../digests";
import type { EntityState, EventAnomaly, RecordedEvent, Repair } from "../model";

/** The newest anomalies kept on the state: it travels in every Queue message, so it stays small. */
export const MAX_ANOMALIES = 20;

/** What an applied event changes: its status and time, and the links it carries. */
export interface Move {
	event_id: string;
	kind: EntityState["kind"];
	key: string;
	status: string;
	occurred_at: string;
	received_at: string;
	related: Record<string, string>;
}

export function momentOf(x: { occurred_at: string; status: string }): Moment {
	return { at: Date.parse(x.occurred_at), status: x.status };
}

export function advance(entity: EntityState | null, move: Move, anomaly: EventAnomaly | null): EntityState {
	const anomalies = entity?.anomalies ?? [];
	return {
		kind: move.kind,
		key: move.key,
		status: move.status,
		occurred_at: move.occurred_at,
		updated_at: move.received_at,
		version: (entity?.version ?? 0) + 1,
		related: { ...entity?.related, ...move.related },
		anomalies:
			anomaly && anomaly !== "future_timestamp"
				? [...anomalies, { event_id: move.event_id, anomaly: anomaly as Anomaly }].slice(-MAX_ANOMALIES)
				: anomalies,
	};
}

/** An admin's correction: a new event that sets the status now, whatever the state's time. */
export function correctionOf(
	entity: EntityState,
	type: string,
	status: string,
	repair: Repair,
	sequence: number,
): RecordedEvent {
	return {
		event_id: randomEventId(),
		type,
		kind: entity.kind,
		key: entity.key,
		status,
		previous_status: entity.status,
		occurred_at: repair.at,
		received_at: repair.at,
		result: "accepted",
		anomaly: null,
		signature_scheme: "admin",
		binding: "correction",
		sequence,
		repair,
	};
}

/** Corrections have no QI Tech identity to derive one from: 256 random bits, in the same hex form. */
function randomEventId(): string {
	return hex(crypto.getRandomValues(new Uint8Array(32)));
}
