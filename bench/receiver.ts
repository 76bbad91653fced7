/**
 * The receiver as `npm run bench` runs it: src/index.ts unchanged, plus a tally of the events
 * Queue's traffic for the consistency check. The ledgers' sends and the consumer's finished
 * batches are counted per event_id in isolate memory (locally one isolate runs the worker and
 * its Durable Objects) and read at GET /__bench/notifications. Never deployed.
 */

import type { Env } from "../src/env";
import receiver, { EntityLedger as Ledger } from "../src/index";
import type { EventNotification } from "../src/model";
import type { QueueMessage } from "../src/notifications/queues";

const sent = new Map<string, number>();
const consumed = new Map<string, number>();

function tally(counts: Map<string, number>, notifications: readonly EventNotification[]) {
	for (const { event } of notifications) counts.set(event.event_id, (counts.get(event.event_id) ?? 0) + 1);
}

const total = (counts: Map<string, number>) => [...counts.values()].reduce((sum, n) => sum + n, 0);

/** Counts what the real Queue accepted, after it accepted it. */
class CountingQueue implements Queue<EventNotification> {
	constructor(private readonly real: Queue<EventNotification>) {}

	metrics() {
		return this.real.metrics();
	}

	async send(body: EventNotification, options?: QueueSendOptions) {
		const result = await this.real.send(body, options);
		tally(sent, [body]);
		return result;
	}

	async sendBatch(messages: Iterable<MessageSendRequest<EventNotification>>, options?: QueueSendBatchOptions) {
		const list = [...messages];
		const result = await this.real.sendBatch(list, options);
		tally(
			sent,
			list.map((m) => m.body),
		);
		return result;
	}
}

export class EntityLedger extends Ledger {
	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.notifications = new CountingQueue(this.notifications);
	}
}

export default {
	fetch(request, env, ctx) {
		const url = new URL(request.url);
		if (url.pathname !== "/__bench/notifications") return receiver.fetch(request, env, ctx);
		if (url.searchParams.has("totals")) return Response.json({ sent: total(sent), consumed: total(consumed) });
		return Response.json({ sent: [...sent], consumed: [...consumed] });
	},
	async queue(batch, env) {
		await receiver.queue(batch, env);
		if (batch.queue === "qitech-events")
			tally(
				consumed,
				batch.messages.map((m) => m.body as EventNotification),
			);
	},
} satisfies ExportedHandler<Env, QueueMessage>;
