/**
 * A test event for a destination: QI Tech's own example of a type (src/catalog/examples.json),
 * signed and sent by the real `attempt()` like any delivery, with a `test_` id of its own so a
 * partner's deduplication never drops it. Nothing is recorded: the answer is the attempt's outcome.
 */
import { EVENT_TYPES, type EventType } from "../catalog/catalog";
import { classify } from "../catalog/event";
import examples from "../catalog/examples.json";
import { hex } from "../digests";
import type { Env } from "../env";
import type { RecordedEvent } from "../model";
import { settingsOf } from "../settings";
import type { Destination } from "../storage/destinations";
import { attempt } from "./attempt";
import { wants } from "./destination-rules";
import { signingSecretOf } from "./destinations";
import { notificationBody } from "./notification-body";

export const TEST_EVENT_TYPES = Object.keys(EVENT_TYPES) as EventType[];

export interface TestOutcome {
	event_id: string;
	type: EventType;
	outcome: "delivered" | "failed";
	/** A failure the delivery consumer would retry (network error, timeout, 408, 429, 5xx). */
	retryable: boolean;
	status: number | null;
	error: string | null;
	duration_ms: number;
}

/** The catalog's example of `type`, as a recorded event received `now`, and its body. */
export async function sampleEvent(type: EventType, now: Date): Promise<{ event: RecordedEvent; payload: string }> {
	const example = examples.find((e) => e.type === type && e.status !== "STATUS");
	if (!example) throw new Error(`no example of ${type} in the catalog`);
	const payload = example.body;
	const parsed = await classify(JSON.parse(payload), new TextEncoder().encode(payload));
	if (!parsed.ok) throw new Error(`the catalog's example of ${type} does not classify`);
	const { kind, key, status, occurred_at } = parsed.event;
	const event: RecordedEvent = {
		event_id: `test_${hex(crypto.getRandomValues(new Uint8Array(16)))}`,
		type,
		kind,
		key,
		status,
		previous_status: null,
		occurred_at,
		received_at: now.toISOString(),
		result: "accepted",
		anomaly: null,
		signature_scheme: "test",
		binding: "none",
		sequence: 0,
		repair: null,
	};
	return { event, payload };
}

/** The first type of the catalog the destination wants, else the first type. */
export function defaultTestType(destination: Pick<Destination, "event_types" | "kinds" | "include_stale">): EventType {
	const wanted = TEST_EVENT_TYPES.find((type) =>
		wants(destination, { type, kind: EVENT_TYPES[type].kind, result: "accepted" }),
	);
	return wanted ?? TEST_EVENT_TYPES[0];
}

/** Sent as the destination receives deliveries: its shape (full or thin), its secret, the URL rules. */
export async function sendTestEvent(
	env: Env,
	destination: Destination,
	type: EventType,
	now = new Date(),
): Promise<TestOutcome> {
	const settings = settingsOf(env);
	const { event, payload } = await sampleEvent(type, now);
	const body = notificationBody(event, payload, destination.payload, settings.PUBLIC_URL);
	const secret = await signingSecretOf(env, destination);
	const started = Date.now();
	const result = await attempt(destination.url, secret, event.event_id, body, settings.ALLOW_INSECURE_DESTINATIONS);
	const duration_ms = Date.now() - started;
	const failed = result.outcome !== "delivered";
	return {
		event_id: event.event_id,
		type,
		outcome: failed ? "failed" : "delivered",
		retryable: result.outcome === "retry",
		status: result.status,
		error: failed ? result.error : null,
		duration_ms,
	};
}
