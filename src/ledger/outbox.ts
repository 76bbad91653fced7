/**
 * The ledger's outbox: every recorded event is owed to the events Queue until the history in D1
 * confirms it (the consumer calls `confirm` once the batch is written). An event is sent right
 * after its commit; an alarm is the backstop: it sends again what was not sent, or was sent but
 * not confirmed within the confirmation time (a lost Queue message, a runtime killed mid-way),
 * with backoff, so every accepted event reaches D1 whatever was lost on the way.
 */
import { backoff } from "../backoff";
import { entityName } from "../catalog/event";
import { log } from "../logger";
import type { EntityState, EventNotification } from "../model";
import { notificationsOf } from "./queue-batches";
import {
	type Confirmed,
	confirmEvents,
	countFailedSend,
	countResend,
	oldestOwed,
	readOutbox,
	requeueEvent,
} from "./tables";

const DRAIN_BATCH = 100;
const MAX_BACKOFF_MS = 60 * 60_000;

export interface OutboxParts {
	sql: SqlStorage;
	storage: DurableObjectStorage;
	/** The Queue, asked for on every send: a test may wrap it meanwhile. */
	queue: () => Queue<EventNotification>;
	entity: () => EntityState | null;
	confirmAfterMs: number;
}

export class Outbox {
	private readonly parts: OutboxParts;
	/** When each event was last handed to the Queue (lost on eviction: then the alarm sends again). */
	private readonly sentAt = new Map<number, number>();
	private alarmAt: number | null = null;
	/** No event before this seq is owed; null: none is. Kept so the outbox is read as a rowid range. */
	private owedFrom: number | null = null;
	private sending: Promise<void> | null = null;
	/** Bumped whenever something is owed, so a send in progress knows to look again. */
	private changes = 0;

	constructor(parts: OutboxParts) {
		this.parts = parts;
	}

	/** At start: learn the alarm, and set one if something is owed without. */
	async restore(hasTables: boolean): Promise<void> {
		this.alarmAt = await this.parts.storage.getAlarm();
		this.owedFrom = hasTables ? oldestOwed(this.parts.sql) : null;
		if (this.alarmAt === null && this.owedFrom !== null) this.alarmIn(0);
	}

	/** Event `seq` was committed (new or changed): send it now, in the background (the alarm covers a send that never ends). */
	owe(seq: number): void {
		this.sentAt.delete(seq);
		this.owedFrom = Math.min(this.owedFrom ?? seq, seq);
		this.changes++;
		this.sending ??= this.send(false).finally(() => {
			this.sending = null;
		});
	}

	confirm(confirmed: Confirmed[]): void {
		const seqs = confirmEvents(this.parts.sql, confirmed);
		for (const seq of seqs) this.sentAt.delete(seq);
		if (this.owedFrom !== null && seqs.includes(this.owedFrom)) {
			this.owedFrom = oldestOwed(this.parts.sql, this.owedFrom);
		}
	}

	/** Back in the outbox, to be sent after `delayMs` (a dead-lettered event, a re-drive). */
	requeue(eventId: string, delayMs: number): boolean {
		const seq = requeueEvent(this.parts.sql, eventId);
		if (seq === null) return false;
		this.sentAt.delete(seq);
		this.owedFrom = Math.min(this.owedFrom ?? seq, seq);
		this.alarmIn(delayMs);
		return true;
	}

	async alarm(): Promise<void> {
		this.alarmAt = null;
		await this.sending;
		await this.send(true);
	}

	/** Sends what is due, oldest first; on failure keeps it and sets the alarm with backoff. */
	private async send(fromAlarm: boolean): Promise<void> {
		const { sql, confirmAfterMs } = this.parts;
		let resends = 0;
		for (;;) {
			const changesBefore = this.changes;
			if (this.owedFrom === null) break;
			const from = this.owedFrom;
			const now = Date.now();
			const recent = [...this.sentAt].filter(([, at]) => at > now - confirmAfterMs).map(([seq]) => seq);
			const due = readOutbox(sql, from, DRAIN_BATCH, recent);
			if (due.length === 0) break;
			const again = due.filter((e) => fromAlarm && (e.unsent > 0 || this.sentAt.has(e.seq)));
			if (again.length > 0)
				countResend(
					sql,
					again.map((e) => e.seq),
				);
			resends = Math.max(resends, ...due.map((e) => e.unsent + (again.includes(e) ? 1 : 0)));
			try {
				for (const batch of notificationsOf(due, this.parts.entity())) {
					await this.parts.queue().sendBatch(batch.messages);
					for (const seq of batch.seqs) this.sentAt.set(seq, Date.now());
				}
			} catch (err) {
				countFailedSend(sql, from);
				const attempts = Math.max(...due.map((e) => e.unsent)) + 1;
				const delay = backoff(attempts, 1000, MAX_BACKOFF_MS);
				const first = due[0].record;
				log("warn", {
					message: "outbox send failed",
					entity: entityName(first.kind, first.key),
					attempts,
					retry_in_ms: Math.round(delay),
					error: String(err),
				});
				this.alarmIn(delay);
				return;
			}
			if (due.length < DRAIN_BATCH && this.changes === changesBefore) break;
		}
		this.awaitConfirmations(resends);
	}

	/**
	 * The backstop: when the oldest unconfirmed send is due again. After `r` resends that is
	 * between confirmAfter × 2^r and twice it (the jitter spreads the ledgers of one outage), at
	 * most an hour, and never before the confirmation time: an alarm then would find nothing due
	 * and set itself again at once.
	 */
	private awaitConfirmations(resends: number): void {
		if (this.sentAt.size === 0) return;
		const { confirmAfterMs } = this.parts;
		const oldest = Math.min(...this.sentAt.values());
		const wait = Math.max(confirmAfterMs, backoff(resends + 1, 2 * confirmAfterMs, MAX_BACKOFF_MS));
		this.alarmIn(oldest + wait - Date.now());
	}

	/** Sets the alarm `delayMs` from now, unless one is set sooner. */
	private alarmIn(delayMs: number): void {
		const at = Date.now() + Math.max(0, delayMs);
		if (this.alarmAt !== null && this.alarmAt <= at) return;
		this.alarmAt = at;
		void this.parts.storage.setAlarm(at);
	}
}
