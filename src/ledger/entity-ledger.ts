/**
 * One Durable Object per entity (`kind:key`). It deduplicates, orders and records each event
 * with the entity's new state and an outbox entry in one storage transaction, answers, and owes
 * the event to the Queue until the D1 history confirms it (outbox.ts). Admins repair it (release
 * or discard a quarantined event, record a correction); each repair is recorded too.
 */
import { DurableObject } from "cloudflare:workers";
import type { AnyKind } from "../catalog/catalog";
import { relatedOf } from "../catalog/event";
import { isKnownStatus, judge } from "../catalog/ordering";
import type { Env } from "../env";
import type { EntityState, EventNotification, IncomingEvent, RecordedEvent, Repair, Verdict } from "../model";
import { settingsOf } from "../settings";
import { Outbox } from "./outbox";
import { advance, correctionOf, momentOf } from "./state";
import {
	type Confirmed,
	createTables,
	findEvent,
	hasTables,
	insertEvent,
	lastSequence,
	readEntity,
	readHistory,
	updateEvent,
	writeEntity,
} from "./tables";

export type RepairOutcome =
	| { ok: true; event: RecordedEvent; entity: EntityState | null }
	| { ok: false; error: "not_found" | "not_quarantined" | "unknown_status"; message: string };

export interface HistoryPage {
	entity: EntityState | null;
	/** The newest `limit` events before the cursor, in flow order. */
	history: RecordedEvent[];
	/** The event_id to page from for older events; null on the oldest page. */
	older: string | null;
}

export class EntityLedger extends DurableObject<Env> {
	/** Where notifications go. A field, so a test can wrap the real Queue to inject a fault. */
	notifications: Queue<EventNotification>;
	private readonly sql: SqlStorage;
	private tables: boolean;
	private entity: EntityState | null;
	private sequence: number;
	private readonly outbox: Outbox;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.notifications = env.EVENTS_QUEUE;
		this.sql = ctx.storage.sql;
		// Tables are created by the first event: a lookup of an unknown key leaves nothing behind.
		this.tables = hasTables(this.sql);
		this.entity = this.tables ? readEntity(this.sql) : null;
		this.sequence = this.tables ? lastSequence(this.sql) : 0;
		this.outbox = new Outbox({
			sql: this.sql,
			storage: ctx.storage,
			queue: () => this.notifications,
			entity: () => this.entity,
			confirmAfterMs: settingsOf(env).LEDGER_CONFIRM_AFTER_SECONDS * 1000,
		});
		ctx.blockConcurrencyWhile(() => this.outbox.restore(this.tables));
	}

	/** Deduplicate, order and record one event; durable when this returns. */
	record(event: IncomingEvent): Verdict {
		if (!this.tables) {
			createTables(this.sql);
			this.tables = true;
		}
		const seen = this.sql.exec("SELECT 1 FROM events WHERE event_id = ?", event.event_id).toArray().length > 0;
		if (seen) return this.verdict("duplicate", event);

		const entity = this.entity;
		const aheadMs = Date.parse(event.occurred_at) - Date.parse(event.received_at);
		const quarantined = aheadMs > settingsOf(this.env).MAX_FUTURE_SKEW_SECONDS * 1000;
		const { applied, anomaly } = quarantined
			? { applied: false, anomaly: "future_timestamp" as const }
			: judge(event.kind as AnyKind, entity && momentOf(entity), momentOf(event));
		const recorded: RecordedEvent = {
			event_id: event.event_id,
			type: event.type,
			kind: event.kind,
			key: event.key,
			status: event.status,
			previous_status: entity?.status ?? null,
			occurred_at: event.occurred_at,
			received_at: event.received_at,
			result: quarantined ? "quarantined" : applied ? "accepted" : "stale",
			anomaly,
			signature_scheme: event.signature_scheme,
			binding: event.binding,
			sequence: this.sequence + 1,
			repair: null,
		};
		this.commit(recorded, event.payload, applied ? advance(entity, event, anomaly) : entity);
		return this.verdict(recorded.result as Verdict["result"], event);
	}

	/** A quarantined event judged now, as if it had just arrived: applied if it is the newest. */
	release(eventId: string, by: string): RepairOutcome {
		const found = this.quarantined(eventId);
		if (!found.ok) return found;
		const entity = this.entity;
		const { applied, anomaly } = judge(found.event.kind, entity && momentOf(entity), momentOf(found.event));
		const released: RecordedEvent = {
			...found.event,
			result: applied ? "accepted" : "stale",
			anomaly,
			previous_status: entity?.status ?? null,
			repair: { action: "release", by, reason: null, at: new Date().toISOString() },
		};
		const related = relatedOf(released.type, this.payloadOf(eventId) ?? "{}");
		this.repairEvent(released, applied ? advance(entity, { ...released, related }, anomaly) : entity);
		return { ok: true, event: released, entity: this.entity };
	}

	/** A quarantined event kept in the history as discarded, never applied or forwarded. */
	discard(eventId: string, by: string, reason: string): RepairOutcome {
		const found = this.quarantined(eventId);
		if (!found.ok) return found;
		const discarded: RecordedEvent = {
			...found.event,
			result: "discarded",
			repair: { action: "discard", by, reason, at: new Date().toISOString() },
		};
		this.repairEvent(discarded, this.entity);
		return { ok: true, event: discarded, entity: this.entity };
	}

	/** Sets the status now, whatever the state's time (a pinned entity included), recorded as a correction. */
	correct(status: string, by: string, reason: string): RepairOutcome {
		const entity = this.entity;
		if (!entity) return { ok: false, error: "not_found", message: "the entity has no state to correct" };
		if (!isKnownStatus(entity.kind, status)) {
			return { ok: false, error: "unknown_status", message: `${status} is not a status of ${entity.kind}` };
		}
		const type = readHistory(this.sql).at(-1)?.type ?? entity.kind;
		const repair: Repair = { action: "correction", by, reason, at: new Date().toISOString() };
		const correction = correctionOf(entity, type, status, repair, this.sequence + 1);
		const payload = JSON.stringify({ correction: { status, by, reason, at: repair.at } });
		this.commit(correction, payload, advance(entity, { ...correction, related: {} }, null));
		return { ok: true, event: correction, entity: this.entity };
	}

	/** Puts a recorded event back in the outbox, to be sent again after `delayMs`. */
	requeue(eventId: string, delayMs: number): boolean {
		return this.tables && this.outbox.requeue(eventId, delayMs);
	}

	/** These events are in the D1 history (the events consumer says so): no longer owed. */
	confirm(confirmed: Confirmed[]): void {
		if (this.tables) this.outbox.confirm(confirmed);
	}

	/** The whole body of one recorded event, for notifications that travel by reference. */
	payloadOf(eventId: string): string | null {
		if (!this.tables) return null;
		const row = this.sql.exec<{ payload: string }>("SELECT payload FROM events WHERE event_id = ?", eventId).toArray();
		return row[0]?.payload ?? null;
	}

	/** The entity and a page of its history, newest first by page, in flow order within it. */
	snapshot(limit = 50, before: string | null = null): HistoryPage | null {
		if (!this.tables) return null;
		const history = readHistory(this.sql);
		// An unknown cursor reads as the oldest end: an empty page.
		const end =
			before === null
				? history.length
				: Math.max(
						0,
						history.findIndex((e) => e.event_id === before),
					);
		const start = Math.max(0, end - limit);
		const page = history.slice(start, end);
		return { entity: this.entity, history: page, older: start > 0 ? history[start].event_id : null };
	}

	override async alarm(): Promise<void> {
		await this.outbox.alarm();
	}

	private quarantined(eventId: string): { ok: true; event: RecordedEvent } | Extract<RepairOutcome, { ok: false }> {
		const event = this.tables ? findEvent(this.sql, eventId) : null;
		if (!event) return { ok: false, error: "not_found", message: `no event ${eventId} in this entity's history` };
		if (event.result !== "quarantined") {
			return { ok: false, error: "not_quarantined", message: `event ${eventId} is ${event.result}, not quarantined` };
		}
		return { ok: true, event };
	}

	private commit(recorded: RecordedEvent, payload: string, next: EntityState | null): void {
		this.ctx.storage.transactionSync(() => {
			insertEvent(this.sql, recorded, payload);
			if (next !== this.entity && next) writeEntity(this.sql, next);
		});
		this.sequence = recorded.sequence;
		this.entity = next;
		this.outbox.owe(recorded.sequence);
	}

	private repairEvent(repaired: RecordedEvent, next: EntityState | null): void {
		this.ctx.storage.transactionSync(() => {
			updateEvent(this.sql, repaired);
			if (next !== this.entity && next) writeEntity(this.sql, next);
		});
		this.entity = next;
		this.outbox.owe(repaired.sequence);
	}

	private verdict(result: Verdict["result"], event: IncomingEvent): Verdict {
		return { result, event_id: event.event_id, entity: event.entity, status: this.entity?.status ?? null };
	}
}
