/**
 * The events Queue consumer: writes each batch of recorded events to the D1 history, with what
 * each destination that wants them is owed (fan-out), in one transaction, then queues the
 * deliveries and confirms the events to their ledgers. Messages
 * whose payload travelled by reference fetch it from the entity's ledger first; payloads are packed
 * into R2 before the rows that point at them are written (storage/payloads.ts). What fails is
 * retried with backoff; after max_retries the message lands in the dead-letter queue, whose
 * consumer tries once more and otherwise hands the event back to its ledger's outbox, so it
 * reaches D1 whenever D1 recovers.
 */
import { driftOf } from "../alerts/contract-drift";
import { raise } from "../alerts/lifecycle";
import { quarantinedOf } from "../alerts/quarantine";
import { backoff } from "../backoff";
import { entityName } from "../catalog/event";
import type { Env } from "../env";
import { ledgerOf } from "../ledger/ledger-of";
import type { Confirmed } from "../ledger/tables";
import { log } from "../logger";
import type { EventNotification } from "../model";
import { listDestinations } from "../storage/destinations";
import { writeHistory } from "../storage/history";
import { historyOf } from "../storage/partitions";
import { storePayloads } from "../storage/payloads";
import { enqueueDeliveries } from "./enqueue";
import { owedDeliveries } from "./fan-out";
import { releaseEntitiesStatement } from "./ordering";

type Failed = (message: Message<EventNotification>) => Promise<void>;

export async function consumeEvents(batch: MessageBatch<EventNotification>, env: Env): Promise<void> {
	await record(batch.messages, env, async (message) =>
		message.retry({ delaySeconds: backoffSeconds(message.attempts) }),
	);
}

/** Retries exhausted: one more try, then back to the entity's ledger, whose alarm retries it. */
export async function consumeDeadLetters(batch: MessageBatch<EventNotification>, env: Env): Promise<void> {
	logFailure("dead-lettered", batch.messages, null);
	await record(batch.messages, env, async (message) => {
		try {
			await ledgerOf(env, entityName(message.body.event.kind, message.body.event.key)).requeue(
				message.body.event.event_id,
				RETURN_DELAY_MS,
			);
			message.ack();
		} catch (err) {
			logFailure("could not return the event to its ledger", [message], err);
			message.retry({ delaySeconds: backoffSeconds(message.attempts) });
		}
	});
}

/** A dead-lettered event waits this long in its ledger's outbox before the next try. */
const RETURN_DELAY_MS = 5 * 60_000;

async function record(messages: readonly Message<EventNotification>[], env: Env, failed: Failed): Promise<void> {
	const payloads = new Map<string, string>();
	const ready: Message<EventNotification>[] = [];
	await Promise.all(
		messages.map(async (message) => {
			const { event, payload } = message.body;
			if (payload !== null) return ready.push(message);
			try {
				const body = await ledgerOf(env, entityName(event.kind, event.key)).payloadOf(event.event_id);
				if (body === null) throw new Error("the ledger has no such event");
				payloads.set(event.event_id, body);
				ready.push(message);
			} catch (err) {
				logFailure("payload fetch failed", [message], err);
				await failed(message);
			}
		}),
	);
	try {
		const notifications = ready.map((m) => m.body);
		const destinations = await listDestinations(env.HISTORY);
		const owed = owedDeliveries(destinations, notifications, payloads);
		// Events that reach the history may be what ordered deliveries of their entities wait for.
		const ordered = destinations.some((d) => d.ordering === "entity");
		const entities = [...new Set(notifications.map(({ event }) => entityName(event.kind, event.key)))];
		const then = ordered ? [releaseEntitiesStatement(entities, new Date().toISOString())] : [];
		// Payloads go to R2 before the rows that point at them are written.
		const stored = await storePayloads(env, notifications, payloads);
		const released = await writeHistory(historyOf(env), notifications, stored, owed, then);
		await enqueueDeliveries(env, [...owed.filter((o) => o.outcome === "pending"), ...released]);
		for (const message of ready) message.ack();
		await confirm(env, notifications);
		await raiseFrom(env, notifications, payloads);
	} catch (err) {
		logFailure("history write or fan-out failed", ready, err);
		await Promise.all(ready.map(failed));
	}
}

/**
 * Tells each entity's ledger its events are in the history, so it stops owing them. A ledger
 * that is not told sends them again later; writing them again changes nothing.
 */
async function confirm(env: Env, notifications: EventNotification[]): Promise<void> {
	const byEntity = new Map<string, Confirmed[]>();
	for (const { event } of notifications) {
		const name = entityName(event.kind, event.key);
		byEntity.set(name, [...(byEntity.get(name) ?? []), { event_id: event.event_id, result: event.result }]);
	}
	const results = await Promise.allSettled([...byEntity].map(([name, ids]) => ledgerOf(env, name).confirm(ids)));
	const failed = results.filter((r) => r.status === "rejected");
	if (failed.length > 0) {
		log("warn", {
			message: "ledgers not told of their confirmed events",
			count: failed.length,
			error: String(failed[0].reason),
		});
	}
}

/** Contract drift and quarantined events, raised once the batch is in the history; never fails it. */
async function raiseFrom(env: Env, notifications: EventNotification[], payloads: Map<string, string>) {
	try {
		await raise(env, [...driftOf(notifications, payloads), ...quarantinedOf(notifications)]);
	} catch (err) {
		log("error", { message: "alerts from a batch of events not raised", error: String(err) });
	}
}

/** Seconds before a failed message is tried again. */
function backoffSeconds(attempts: number): number {
	return Math.ceil(backoff(attempts, 1, 300));
}

function logFailure(message: string, messages: readonly Message<EventNotification>[], err: unknown) {
	log("error", {
		message,
		event_ids: messages.map((m) => m.body.event.event_id),
		attempts: messages.map((m) => m.attempts),
		error: err === null ? undefined : String(err),
	});
}
