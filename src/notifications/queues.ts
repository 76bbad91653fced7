/** The four Queues of wrangler.toml and the consumer of each. */
import type { Env } from "../env";
import type { EventNotification } from "../model";
import { consumeDeadLetters, consumeEvents } from "./consumer";
import { consumeDeadDeliveries, consumeDeliveries } from "./delivery-consumer";
import type { DeliveryJob } from "./enqueue";

export type QueueMessage = EventNotification | DeliveryJob;

const CONSUMERS = {
	"qitech-events": (batch: MessageBatch<EventNotification>, env: Env) => consumeEvents(batch, env),
	"qitech-events-dlq": (batch: MessageBatch<EventNotification>, env: Env) => consumeDeadLetters(batch, env),
	"qitech-deliveries": (batch: MessageBatch<DeliveryJob>, env: Env) => consumeDeliveries(batch, env),
	"qitech-deliveries-dlq": (batch: MessageBatch<DeliveryJob>, env: Env) => consumeDeadDeliveries(batch, env),
} as const;

export async function consumeQueue(batch: MessageBatch<QueueMessage>, env: Env): Promise<void> {
	// Each queue carries exactly one message type (wrangler.toml), so its batch is of that type.
	const consume = (CONSUMERS as Record<string, (b: MessageBatch<QueueMessage>, e: Env) => Promise<void>>)[batch.queue];
	if (!consume) throw new Error(`no consumer for queue ${batch.queue}`);
	await consume(batch, env);
}
