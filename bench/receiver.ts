/**
 * The receiver as `npm run bench` runs it: src/index.ts unchanged, plus meters. A tally of the
 * events Queue's traffic for the consistency check: the ledgers' sends and the consumer's
 * finished batches, counted per event_id in isolate memory (locally one isolate runs the worker
 * and its Durable Objects) and read at GET /__bench/notifications. And what Cloudflare bills
 * (bench/meters), read at GET /__bench/counters: the D1 binding and the ledgers' storage are
 * metered, the ledgers' RPC methods and alarms counted. Never deployed.
 */

import type { Env } from "../src/env";
import receiver, { EntityLedger as Ledger } from "../src/index";
import type { Confirmed } from "../src/ledger/tables";
import type { EventNotification, IncomingEvent } from "../src/model";
import type { QueueMessage } from "../src/notifications/queues";
import { COUNTERS_PATH, counters, countersResponse, isBenchPath } from "./meters/counters";
import { meteredD1 } from "./meters/d1";
import { CountingQueue } from "./meters/queue";
import { meteredR2 } from "./meters/r2";
import { durableRequest, meterStorage } from "./meters/sql";

const sent = new Map<string, number>();
const consumed = new Map<string, number>();

function tally(counts: Map<string, number>, notifications: readonly EventNotification[]) {
	for (const { event } of notifications) counts.set(event.event_id, (counts.get(event.event_id) ?? 0) + 1);
}

const total = (counts: Map<string, number>) => [...counts.values()].reduce((sum, n) => sum + n, 0);

export class EntityLedger extends Ledger {
	constructor(ctx: DurableObjectState, env: Env) {
		meterStorage(ctx.storage);
		super(ctx, env);
		this.notifications = new CountingQueue(this.notifications, (bodies) => tally(sent, bodies));
	}

	override record(event: IncomingEvent) {
		return durableRequest(() => super.record(event));
	}

	override payloadOf(eventId: string) {
		return durableRequest(() => super.payloadOf(eventId));
	}

	override confirm(confirmed: Confirmed[]) {
		return durableRequest(() => super.confirm(confirmed));
	}

	override requeue(eventId: string, delayMs: number) {
		return durableRequest(() => super.requeue(eventId, delayMs));
	}

	override snapshot() {
		return durableRequest(() => super.snapshot());
	}

	override alarm() {
		return durableRequest(() => super.alarm());
	}

	/** What the ledger's SQLite holds, for the capacity figures (not a billed request: bench only). */
	storageUse(): { bytes: number; events: number } {
		const events = this.ctx.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM events").one().n;
		return { bytes: this.ctx.storage.sql.databaseSize, events };
	}
}

/** The same env, its D1 and deliveries Queue metered; one per env, so per-env caches still hold. */
const metered = new WeakMap<Env, Env>();
function meteredEnv(env: Env): Env {
	let wrapped = metered.get(env);
	if (!wrapped) {
		wrapped = {
			...env,
			HISTORY: meteredD1(env.HISTORY),
			DELIVERIES_QUEUE: new CountingQueue(env.DELIVERIES_QUEUE),
			...(env.PAYLOADS && { PAYLOADS: meteredR2(env.PAYLOADS) }),
		};
		metered.set(env, wrapped);
	}
	return wrapped;
}

const LEDGERS_PATH = "/__bench/ledgers";

/** POST a JSON list of entity names: each one's ledger storage (bench/capacity.mjs). */
async function ledgerStorage(request: Request, env: Env): Promise<Response> {
	const names = await request.json<string[]>();
	const ledgers = env.ENTITY_LEDGER as unknown as DurableObjectNamespace<EntityLedger>;
	const uses = await Promise.all(names.map((name) => ledgers.get(ledgers.idFromName(name)).storageUse()));
	return Response.json(uses);
}

export default {
	fetch(request, env, ctx) {
		const url = new URL(request.url);
		if (!isBenchPath(url.pathname)) {
			counters.worker_requests++;
			return receiver.fetch(request, meteredEnv(env), ctx);
		}
		if (url.pathname === COUNTERS_PATH) return countersResponse();
		if (url.pathname === LEDGERS_PATH) return ledgerStorage(request, env);
		if (url.searchParams.has("totals")) return Response.json({ sent: total(sent), consumed: total(consumed) });
		return Response.json({ sent: [...sent], consumed: [...consumed] });
	},
	async queue(batch, env) {
		counters.consumer_batches++;
		counters.queue_delivered += batch.messages.length;
		await receiver.queue(batch, meteredEnv(env));
		if (batch.queue === "qitech-events")
			tally(
				consumed,
				batch.messages.map((m) => m.body as EventNotification),
			);
	},
} satisfies ExportedHandler<Env, QueueMessage>;
