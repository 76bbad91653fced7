/**
 * The deliveries Queue consumer: each message is one (event, destination) pair, delivered
 * independently of every other, retried with backoff through the Queue, dead-lettered after
 * the Queue's max_retries.
 */
import { raiseDeadDeliveries } from "../alerts/destination-health";
import type { Env } from "../env";
import { log } from "../logger";
import { type Settings, settingsOf } from "../settings";
import { deliveryWork, recordAttempt, setOutcome } from "../storage/deliveries";
import { AUTO_DISABLED, type Destination, findDestination } from "../storage/destinations";
import { fromEventRow } from "../storage/event-rows";
import { type AttemptResult, attempt, retryDelaySeconds } from "./attempt";
import { signingSecretOf } from "./destinations";
import type { DeliveryJob } from "./fan-out";

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
		const [destination, work] = await Promise.all([destinationOf(job.destination_id), deliveryWork(env.HISTORY, job)]);
		if (!destination || !work || work.delivery.outcome === "delivered") return message.ack();
		if (!destination.enabled) {
			await setOutcome(env.HISTORY, job, "paused");
			return message.ack();
		}
		const event = fromEventRow(work.event);
		const allowLocal = settings.ALLOW_INSECURE_DESTINATIONS;
		const started = Date.now();
		const result = await signingSecretOf(env, destination).then(
			(secret) => attempt(destination.url, secret, event, work.event.payload, allowLocal),
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
			result.outcome !== "delivered" &&
			now.getTime() - failingSince >= settings.DESTINATION_DISABLE_AFTER_SECONDS * 1000
				? `${AUTO_DISABLED}: every attempt failed since ${new Date(failingSince).toISOString()}`
				: null;
		const delay =
			result.outcome === "retry"
				? retryDelaySeconds(message.attempts, settings.DELIVERY_RETRY_BASE_SECONDS, result.retryAfterSeconds)
				: 0;
		await recordAttempt(env.HISTORY, {
			...job,
			outcome: result.outcome === "retry" ? "pending" : result.outcome,
			status: result.status,
			error: result.outcome === "delivered" ? null : result.error,
			next_attempt_at: result.outcome === "retry" ? new Date(now.getTime() + delay * 1000).toISOString() : null,
			at: now.toISOString(),
			disable_reason: disable,
			duration_ms: now.getTime() - started,
		});
		logDelivery(job, result.outcome, result.status, message.attempts);
		if (result.outcome === "retry") message.retry({ delaySeconds: delay });
		else message.ack();
	} catch (err) {
		logDelivery(message.body, "error", null, message.attempts, String(err));
		message.retry({ delaySeconds: retryDelaySeconds(message.attempts, settings.DELIVERY_RETRY_BASE_SECONDS, null) });
	}
}

/** Deliveries that used up their retries: recorded as dead, to replay with replay-failed; alerted. */
export async function consumeDeadDeliveries(batch: MessageBatch<DeliveryJob>, env: Env): Promise<void> {
	for (const message of batch.messages) {
		await setOutcome(env.HISTORY, message.body, "dead", "retries exhausted");
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
