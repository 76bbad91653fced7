/**
 * The events Queue consumer: writes each batch of recorded events to the D1 history in one
 * transaction, then owes each event to every destination that wants it (fan-out). Messages whose payload travelled by reference fetch it from the entity's
 * ledger first. Anything that fails is retried with backoff; after max_retries the message
 * lands in the dead-letter queue.
 */
import type { Env } from "../env";
import type { EventNotification } from "../ledger/records";
import { writeHistory } from "../storage/history";
import { fanOut } from "./fan-out";

export async function consumeEvents(batch: MessageBatch<EventNotification>, env: Env): Promise<void> {
	const payloads = new Map<string, string>();
	const ready: Message<EventNotification>[] = [];
	await Promise.all(
		batch.messages.map(async (message) => {
			const { event, payload } = message.body;
			if (payload !== null) return ready.push(message);
			try {
				const ledger = env.ENTITY_LEDGER.get(env.ENTITY_LEDGER.idFromName(`${event.kind}:${event.key}`));
				const body = await ledger.payloadOf(event.event_id);
				if (body === null) throw new Error("the ledger has no such event");
				payloads.set(event.event_id, body);
				ready.push(message);
			} catch (err) {
				logFailure("payload fetch failed", [message], err);
				message.retry({ delaySeconds: backoffSeconds(message.attempts) });
			}
		}),
	);
	try {
		const notifications = ready.map((m) => m.body);
		await writeHistory(env.HISTORY, notifications, payloads);
		await fanOut(env, notifications);
		for (const message of ready) message.ack();
	} catch (err) {
		logFailure("history write or fan-out failed", ready, err);
		for (const message of ready) message.retry({ delaySeconds: backoffSeconds(message.attempts) });
	}
}

/** Messages that exhausted their retries: one last try, then a loud record of the loss to D1. */
export async function consumeDeadLetters(batch: MessageBatch<EventNotification>, env: Env): Promise<void> {
	logFailure("dead-lettered", batch.messages, null);
	await consumeEvents(batch, env);
}

export function backoffSeconds(attempts: number): number {
	const base = Math.min(300, 2 ** Math.max(0, attempts - 1));
	return Math.ceil(base * (0.5 + Math.random() / 2));
}

function logFailure(message: string, messages: readonly Message<EventNotification>[], err: unknown) {
	console.error(
		JSON.stringify({
			level: "error",
			message,
			event_ids: messages.map((m) => m.body.event.event_id),
			attempts: messages.map((m) => m.attempts),
			error: err === null ? undefined : String(err),
		}),
	);
}
