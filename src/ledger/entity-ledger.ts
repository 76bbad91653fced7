/**
 * One Durable Object per entity (`kind:key`). It deduplicates, orders and records each event
 * with the entity's new state and an outbox entry in one storage transaction, answers, and
 * then drains the outbox to the Queue from its alarm, retrying with backoff.
 */
import { DurableObject } from "cloudflare:workers";
import { backoff } from "../backoff";
import type { AnyKind } from "../catalog/catalog";
import { entityName } from "../catalog/event";
import { judge, type Moment } from "../catalog/ordering";
import type { Env } from "../env";
import { log } from "../logger";
import type { EntityState, EventNotification, IncomingEvent, RecordedEvent, Verdict } from "../model";
import { notificationsOf } from "./outbox";
import {
	countFailedSend,
	createTables,
	hasTables,
	insertEvent,
	markSent,
	outboxSize,
	readEntity,
	readHistory,
	readOutbox,
	requeueEvent,
	writeEntity,
} from "./tables";

const MAX_BACKOFF_MS = 5 * 60_000;
const DRAIN_BATCH = 100;

export class EntityLedger extends DurableObject<Env> {
	/** Where notifications go. A field, so a test can wrap the real Queue to inject a fault. */
	notifications: Queue<EventNotification>;
	private readonly sql: SqlStorage;
	private entity: EntityState | null;
	private alarmScheduled = false;
	/** Bumped whenever the outbox grows, so a drain knows whether to look again. */
	private outboxChanges = 0;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.notifications = env.EVENTS_QUEUE;
		this.sql = ctx.storage.sql;
		// Tables are created by the first event: a lookup of an unknown key leaves nothing behind.
		this.entity = hasTables(this.sql) ? readEntity(this.sql) : null;
		ctx.blockConcurrencyWhile(async () => {
			this.alarmScheduled = (await ctx.storage.getAlarm()) !== null;
			if (!this.alarmScheduled && this.entity !== null && outboxSize(this.sql) > 0) this.scheduleDrain(0);
		});
	}

	/** Deduplicate, order and record one event; durable when this returns. */
	record(event: IncomingEvent): Verdict {
		if (!this.entity) createTables(this.sql);
		const entity = this.entity;
		const seen = this.sql.exec("SELECT 1 FROM events WHERE event_id = ?", event.event_id).toArray().length > 0;
		if (seen) return this.verdict("duplicate", event);

		const current: Moment | null = entity ? { at: Date.parse(entity.occurred_at), status: entity.status } : null;
		const { applied, anomaly } = judge(event.kind as AnyKind, current, {
			at: Date.parse(event.occurred_at),
			status: event.status,
		});
		const recorded: RecordedEvent = {
			event_id: event.event_id,
			type: event.type,
			kind: event.kind,
			key: event.key,
			status: event.status,
			previous_status: entity?.status ?? null,
			occurred_at: event.occurred_at,
			received_at: event.received_at,
			result: applied ? "accepted" : "stale",
			anomaly,
			signature_scheme: event.signature_scheme,
			binding: event.binding,
		};
		const next = applied ? this.advance(entity, event, anomaly) : entity;
		this.ctx.storage.transactionSync(() => {
			insertEvent(this.sql, recorded, event.payload);
			if (next !== entity && next) writeEntity(this.sql, next);
		});
		this.entity = next;
		this.outboxChanges++;
		if (!this.alarmScheduled) this.scheduleDrain(0);
		return this.verdict(recorded.result, event);
	}

	/** Puts a recorded event back in the outbox, to be sent again after `delayMs`. */
	async requeue(eventId: string, delayMs: number): Promise<boolean> {
		const found = this.entity !== null && requeueEvent(this.sql, eventId);
		this.outboxChanges++;
		const due = Date.now() + delayMs;
		const alarm = await this.ctx.storage.getAlarm();
		if (found && (alarm === null || alarm > due)) this.scheduleDrain(delayMs);
		return found;
	}

	/** The whole body of one recorded event, for notifications that travel by reference. */
	payloadOf(eventId: string): string | null {
		if (!this.entity) return null;
		const row = this.sql.exec<{ payload: string }>("SELECT payload FROM events WHERE event_id = ?", eventId).toArray();
		return row[0]?.payload ?? null;
	}

	/** The entity and its history in flow order: what a partner lookup shows. */
	snapshot(): { entity: EntityState; history: RecordedEvent[] } | null {
		if (!this.entity) return null;
		return { entity: this.entity, history: readHistory(this.sql, this.entity.kind as AnyKind) };
	}

	override async alarm(): Promise<void> {
		this.alarmScheduled = false;
		await this.drain();
	}

	/** Send the outbox to the Queue, oldest first; on failure keep it and retry later. */
	private async drain(): Promise<void> {
		for (;;) {
			// Read the state on every round: events recorded while we awaited the Queue changed it.
			const entity = this.entity;
			if (!entity) return;
			const changesBefore = this.outboxChanges;
			const entries = readOutbox(this.sql, DRAIN_BATCH);
			if (entries.length === 0) return;
			try {
				for (const batch of notificationsOf(entries, entity)) {
					await this.notifications.sendBatch(batch.messages);
					markSent(this.sql, batch.seqs);
				}
			} catch (err) {
				const attempts = Math.max(...entries.map((e) => e.unsent)) + 1;
				countFailedSend(this.sql);
				const delay = backoff(attempts, 1000, MAX_BACKOFF_MS);
				log("warn", {
					message: "outbox send failed",
					entity: entityName(entity.kind, entity.key),
					attempts,
					retry_in_ms: Math.round(delay),
					error: String(err),
				});
				this.scheduleDrain(delay);
				return;
			}
			if (entries.length < DRAIN_BATCH && this.outboxChanges === changesBefore) return;
		}
	}

	private advance(entity: EntityState | null, event: IncomingEvent, anomaly: RecordedEvent["anomaly"]): EntityState {
		return {
			kind: event.kind,
			key: event.key,
			status: event.status,
			occurred_at: event.occurred_at,
			updated_at: event.received_at,
			version: (entity?.version ?? 0) + 1,
			related: { ...entity?.related, ...event.related },
			anomalies: anomaly
				? [...(entity?.anomalies ?? []), { event_id: event.event_id, anomaly }]
				: (entity?.anomalies ?? []),
		};
	}

	private verdict(result: Verdict["result"], event: IncomingEvent): Verdict {
		return { result, event_id: event.event_id, entity: event.entity, status: this.entity?.status ?? event.status };
	}

	private scheduleDrain(delayMs: number): void {
		this.alarmScheduled = true;
		void this.ctx.storage.setAlarm(Date.now() + delayMs);
	}
}
