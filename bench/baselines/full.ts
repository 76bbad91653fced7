/**
 * The `full` baseline: the least the design's whole shape costs. The floor (minimal.ts), and for
 * a new event one Queue message sent by its Durable Object right after the insert, carrying the
 * event id, the entity and the raw body; the Queue's consumer writes each batch to D1 in one
 * statement. GET /__bench/settled tells whether every message sent is in D1.
 */
import type { SettingsEnv } from "../../src/settings";
import { counters } from "../meters/counters";
import { meteredD1 } from "../meters/d1";
import { durableRequest } from "../meters/sql";
import { MinimalLedger, minimalApp, type Webhook } from "./minimal";

interface Message {
	event_id: string;
	entity: string;
	payload: string;
}

interface Env extends SettingsEnv {
	FULL_LEDGER: DurableObjectNamespace<FullLedger>;
	QUEUE: Queue<Message>;
	HISTORY: D1Database;
}

export class FullLedger extends MinimalLedger<Env> {
	record({ eventId, entity, body }: Webhook): Promise<"accepted" | "duplicate"> {
		return durableRequest(async () => {
			if (!this.insert(eventId)) return "duplicate";
			await this.env.QUEUE.send({ event_id: eventId, entity, payload: body });
			counters.queue_sent++;
			return "accepted";
		});
	}
}

const ledgerOf = (env: Env, entity: string) => env.FULL_LEDGER.get(env.FULL_LEDGER.idFromName(entity));

const app = minimalApp<Env>(ledgerOf, (env, webhook) => ledgerOf(env, webhook.entity).record(webhook));

/** Messages whose batch is in D1 (a redelivered one counts again). */
let stored = 0;
app.get("/__bench/settled", (c) =>
	c.json({ settled: stored >= counters.queue_sent, sent: counters.queue_sent, stored }),
);

let history: D1Database | null = null;
let created: Promise<unknown> | null = null;

async function consume(batch: MessageBatch<Message>, env: Env): Promise<void> {
	counters.consumer_batches++;
	counters.queue_delivered += batch.messages.length;
	history ??= meteredD1(env.HISTORY);
	// Once per isolate, not per batch.
	created ??= history
		.prepare(
			"CREATE TABLE IF NOT EXISTS events (event_id TEXT PRIMARY KEY, entity TEXT NOT NULL, payload TEXT NOT NULL)",
		)
		.run();
	await created;
	await history
		.prepare(
			`INSERT INTO events (event_id, entity, payload)
			 SELECT value ->> 'event_id', value ->> 'entity', value ->> 'payload' FROM json_each(?) WHERE true
			 ON CONFLICT DO NOTHING`,
		)
		.bind(JSON.stringify(batch.messages.map((m) => m.body)))
		.run();
	stored += batch.messages.length;
}

export default { fetch: app.fetch, queue: consume } satisfies ExportedHandler<Env, Message>;
