/**
 * The deliveries Queue consumer: each message is one (event, destination) pair, delivered on its
 * own, retried with backoff through the Queue, dead-lettered after the Queue's max_retries. An
 * ordered destination's event first waits for its entity's earlier ones (ordering.ts), a paced
 * destination's for its pace (pacing.ts).
 */
import { raiseDeadDeliveries } from "../alerts/destination-health";
import type { Env } from "../env";
import { log } from "../logger";
import { type Settings, settingsOf } from "../settings";
import { deliveryWork, recordAttempt, setOutcome, type Work } from "../storage/deliveries";
import { AUTO_DISABLED, type Destination, findDestination } from "../storage/destinations";
import { predecessorsElsewhere } from "../storage/event-lookups";
import { type EventRow, fromEventRow } from "../storage/event-rows";
import { historyOf } from "../storage/partitions";
import { readPayload } from "../storage/payloads";
import { batchOf } from "../storage/rows";
import { type AttemptResult, attempt, retryDelaySeconds } from "./attempt";
import { signingSecretOf } from "./destinations";
import { type DeliveryJob, enqueueDeliveries } from "./enqueue";
import { notificationBody } from "./notification-body";
import { holdStatement, releaseNextStatement } from "./ordering";
import { leaseStatement, PACED_WAIT_SECONDS, tokenStatement } from "./pacing";

export async function consumeDeliveries(batch: MessageBatch<DeliveryJob>, env: Env): Promise<void> {
	const settings = settingsOf(env);
	const destinations = new Map<string, Promise<Destination | null>>();
	const destinationOf = (id: string) => {
		if (!destinations.has(id)) destinations.set(id, findDestination(env.HISTORY, id));
		return destinations.get(id) as Promise<Destination | null>;
	};
	await Promise.all(batch.messages.map((message) => deliverOne(message, env, settings, destinationOf)));
}

async function deliverOne(
	message: Message<DeliveryJob>,
	env: Env,
	settings: Settings,
	destinationOf: (id: string) => Promise<Destination | null>,
): Promise<void> {
	try {
		const job = message.body;
		const [destination, work] = await Promise.all([
			destinationOf(job.destination_id),
			deliveryWork(historyOf(env), job),
		]);
		if (!destination || !work || work.delivery.outcome === "delivered" || work.delivery.outcome === "blocked") {
			return message.ack();
		}
		if (!destination.enabled) {
			await setOutcome(env.HISTORY, job, "paused");
			return message.ack();
		}
		if (await mustWait(env, destination, work)) return message.ack();
		if (!(await admitted(env, destination, job))) {
			// Over the pace: sent again later as a new message, so no retry is spent on waiting.
			await env.DELIVERIES_QUEUE.send(job, { delaySeconds: PACED_WAIT_SECONDS });
			return message.ack();
		}
		await attemptAndRecord(message, env, settings, destination, work);
	} catch (err) {
		logDelivery(message.body, "error", null, message.attempts, String(err));
		message.retry({ delaySeconds: retryDelaySeconds(message.attempts, settings.DELIVERY_RETRY_BASE_SECONDS, null) });
	}
}

/** An ordered destination's event whose predecessor is not done: blocked until it is. */
async function mustWait(env: Env, destination: Destination, work: Work): Promise<boolean> {
	const { delivery, event } = work;
	if (destination.ordering !== "entity" || !event || delivery.entity === null || delivery.sequence === null) {
		return false;
	}
	const history = historyOf(env);
	const elsewhere =
		history.partitions.length > 1
			? await predecessorsElsewhere(history, event.entity_kind, event.entity_key, delivery.sequence)
			: 0;
	const hold = holdStatement(
		{
			event_id: delivery.event_id,
			destination_id: delivery.destination_id,
			entity: delivery.entity,
			kind: event.entity_kind,
			key: event.entity_key,
			sequence: delivery.sequence,
		},
		new Date().toISOString(),
		elsewhere,
	);
	return (await batchOf(env.HISTORY, [hold]))[0].length > 0;
}

/** A thin body carries no payload, so R2 is not read for it; an expired payload is sent as null. */
async function eventBody(env: Env, row: EventRow, destination: Destination, settings: Settings) {
	const payload = destination.payload === "thin" ? "null" : ((await readPayload(env, row)) ?? "null");
	return notificationBody(fromEventRow(row), payload, destination.payload, settings.PUBLIC_URL);
}

/** Within the destination's pace: a token of max_per_second and a slot of max_in_flight. */
async function admitted(env: Env, destination: Destination, job: DeliveryJob): Promise<boolean> {
	const now = Date.now();
	if (destination.max_per_second !== null) {
		const [taken] = await batchOf(env.HISTORY, [tokenStatement(destination.id, destination.max_per_second, now)]);
		if (taken.length === 0) return false;
	}
	if (destination.max_in_flight !== null) {
		const [leased] = await batchOf(env.HISTORY, [leaseStatement(job, destination.max_in_flight, now)]);
		if (leased.length === 0) return false;
	}
	return true;
}

async function attemptAndRecord(
	message: Message<DeliveryJob>,
	env: Env,
	settings: Settings,
	destination: Destination,
	work: Work,
): Promise<void> {
	const job = message.body;
	const body = work.event ? await eventBody(env, work.event, destination, settings) : work.ops.body;
	const started = Date.now();
	const result = await signingSecretOf(env, destination).then(
		(secret) => attempt(destination.url, secret, job.event_id, body, settings.ALLOW_INSECURE_DESTINATIONS),
		(err: Error): AttemptResult => ({
			outcome: "retry",
			status: null,
			error: `not sent: the destination's secret ${err.message}`,
			retryAfterSeconds: null,
		}),
	);
	const now = new Date();
	const failingSince = Date.parse(destination.health.failing_since ?? now.toISOString());
	const disable =
		result.outcome !== "delivered" && now.getTime() - failingSince >= settings.DESTINATION_DISABLE_AFTER_SECONDS * 1000
			? `${AUTO_DISABLED}: every attempt failed since ${new Date(failingSince).toISOString()}`
			: null;
	const delay =
		result.outcome === "retry"
			? retryDelaySeconds(message.attempts, settings.DELIVERY_RETRY_BASE_SECONDS, result.retryAfterSeconds)
			: 0;
	const done = result.outcome !== "retry" && destination.ordering === "entity";
	const released = await recordAttempt(
		env.HISTORY,
		{
			...job,
			outcome: result.outcome === "retry" ? "pending" : result.outcome,
			status: result.status,
			error: result.outcome === "delivered" ? null : result.error,
			next_attempt_at: result.outcome === "retry" ? new Date(now.getTime() + delay * 1000).toISOString() : null,
			at: now.toISOString(),
			disable_reason: disable,
			duration_ms: now.getTime() - started,
		},
		done ? [releaseNextStatement(job, now.toISOString())] : [],
	);
	logDelivery(job, result.outcome, result.status, message.attempts);
	await enqueueDeliveries(env, released);
	if (result.outcome === "retry") message.retry({ delaySeconds: delay });
	else message.ack();
}

/** Deliveries that used up their retries: recorded as dead, to replay with replay-failed; alerted. */
export async function consumeDeadDeliveries(batch: MessageBatch<DeliveryJob>, env: Env): Promise<void> {
	for (const message of batch.messages) {
		const at = new Date().toISOString();
		// Given up: the next event of its entity, if it waits for this one, may go now.
		const released = await setOutcome(env.HISTORY, message.body, "dead", "retries exhausted", [
			releaseNextStatement(message.body, at),
		]);
		await enqueueDeliveries(env, released);
		logDelivery(message.body, "dead", null, message.attempts);
		message.ack();
	}
	try {
		await raiseDeadDeliveries(
			env,
			batch.messages.map((m) => m.body),
		);
	} catch (err) {
		// The deaths are recorded; the alert is not worth redelivering the batch for.
		log("error", { message: "delivery.dead alert not raised", error: String(err) });
	}
}

function logDelivery(job: DeliveryJob, outcome: string, status: number | null, attempts: number, error?: string) {
	log(outcome === "error" ? "error" : "info", {
		route: "queue:deliveries",
		...job,
		outcome,
		status,
		attempts,
		error,
	});
}
