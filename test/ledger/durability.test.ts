import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { eventBody, mainPath, typeOf } from "../../simulator/qitech/examples";
import type { EntityLedger } from "../../src/ledger/entity-ledger";
import type { EventNotification } from "../../src/model";
import { settingsOf } from "../../src/settings";
import { FlakyQueue, unreachableLedgers } from "../support/faults";
import {
	deliver,
	deliverOk,
	entityRow,
	historyRows,
	ledgerOf,
	payloadOfRow,
	signedHeaders,
	WEBHOOK_URL,
} from "../support/webhook";
import { fetchWith } from "../support/worker";

/** Wraps the ledger's real Queue producer; returns the wrapper to read what went through. */
async function flakyOutbox(entity: string, failures: number) {
	const queue = await runInDurableObject(ledgerOf(entity), (ledger: EntityLedger) => {
		const flaky = new FlakyQueue<EventNotification>(ledger.notifications, failures);
		ledger.notifications = flaky;
		return flaky;
	});
	return queue;
}

async function sentThrough(entity: string): Promise<string[]> {
	return runInDurableObject(ledgerOf(entity), (ledger: EntityLedger) =>
		ledger.notifications instanceof FlakyQueue
			? ledger.notifications.sent.map((n) => (n as EventNotification).event.event_id)
			: [],
	);
}

async function eventRowCount(eventId: string): Promise<number> {
	const row = await env.HISTORY.prepare("SELECT count(*) AS n FROM events WHERE event_id = ?")
		.bind(eventId)
		.first<{ n: number }>();
	return row?.n ?? 0;
}

describe("one event, one record", () => {
	it("gives 50 concurrent identical deliveries one accepted and 49 duplicates, one D1 row and one Queue message", async () => {
		const key = crypto.randomUUID();
		const entity = `payment_batch:${key}`;
		await flakyOutbox(entity, 0);
		const body = eventBody({ type: "settlement.payment_batch_status_change", key, status: "paid" });
		const headers = await signedHeaders(body);
		const answers = await Promise.all(
			Array.from({ length: 50 }, () =>
				deliver(body, { headers }).then((r) => r.json<{ result: string; event_id: string }>()),
			),
		);
		expect(answers.filter((a) => a.result === "accepted")).toHaveLength(1);
		expect(answers.filter((a) => a.result === "duplicate")).toHaveLength(49);
		const eventId = answers[0].event_id;
		await historyRows([eventId]);
		expect(await eventRowCount(eventId)).toBe(1);
		expect(await sentThrough(entity)).toEqual([eventId]);
	});

	it("answers duplicate to a resend long after, and to a reformatted resend with extra fields", async () => {
		const key = crypto.randomUUID();
		const body = eventBody({ type: "trade_receivables.assignment_status_change", key, status: "pending_payment" });
		const first = await deliverOk(body);
		const reformatted = JSON.stringify({ ...JSON.parse(body), new_top_level_field: true }, null, 2);
		const again = await deliverOk(reformatted, { scheme: "hmac" });
		expect(first.result).toBe("accepted");
		expect(again).toMatchObject({ result: "duplicate", event_id: first.event_id });
	});
});

describe("an entity nobody sent", () => {
	it("is looked up without leaving storage behind", async () => {
		const stub = ledgerOf(`asset:${crypto.randomUUID()}`);
		expect(await stub.snapshot()).toBeNull();
		expect(await stub.payloadOf("no-such-event")).toBeNull();
		const tables = await runInDurableObject(stub, (_: EntityLedger, state) =>
			state.storage.sql
				.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\'")
				.toArray(),
		);
		expect(tables).toEqual([]);
	});
});

describe("durable before we answer", () => {
	it("accepts a signed 250 KiB event and stores it in D1 byte for byte", async () => {
		const key = crypto.randomUUID();
		// Non-ASCII text doubles the in-memory size of a string: the worst case for the Queue's 128 KB.
		const filler = "Operação de crédito — São Paulo ".repeat(6000);
		let body = eventBody({
			type: "trade_receivables.asset_creation",
			key,
			status: "pending_eligibility",
			extra: { notes: filler },
		});
		body = body.slice(0, -1) + " ".repeat(250 * 1024 - new TextEncoder().encode(body).length) + body.slice(-1);
		expect(new TextEncoder().encode(body).length).toBe(250 * 1024);
		const answer = await deliverOk(body, { scheme: "hmac" });
		expect(answer.result).toBe("accepted");
		const [row] = await historyRows([answer.event_id]);
		expect(await payloadOfRow(row)).toBe(body);
	});

	it("answers 200 while the Queue is down, and delivers every event to D1 exactly once when it recovers", async () => {
		const key = crypto.randomUUID();
		const entity = `asset:${key}`;
		const queue = await flakyOutbox(entity, 3);
		const statuses = [
			"pending_eligibility",
			"pending_documentation",
			"pre_approved",
			"pending_formalization",
			"completed",
		];
		const answers = [];
		for (const [i, status] of statuses.entries()) {
			const type = i === 0 ? "trade_receivables.asset_creation" : "trade_receivables.asset_status_change";
			answers.push(await deliverOk(eventBody({ type, key, status, at: `2024-04-23T15:08:3${i}Z` })));
		}
		expect(answers.map((a) => a.result)).toEqual(statuses.map(() => "accepted"));
		// Drive the outbox's alarm through the outage instead of waiting out the backoff.
		for (let i = 0; i < 10 && queue.sent.length < statuses.length; i++) await runDurableObjectAlarm(ledgerOf(entity));
		expect(queue.calls).toBeGreaterThan(3);
		const ids = answers.map((a) => a.event_id);
		expect(await sentThrough(entity)).toEqual(ids);
		expect(await historyRows(ids)).toHaveLength(ids.length);
		for (const id of ids) expect(await eventRowCount(id)).toBe(1);
	});

	it("sends the newest state of the entity with events recorded while the Queue was slow", async () => {
		const key = crypto.randomUUID();
		const entity = `payment_batch:${key}`;
		let release = () => {};
		const slow = new Promise<void>((resolve) => {
			release = resolve;
		});
		const queue = await runInDurableObject(ledgerOf(entity), (ledger: EntityLedger) => {
			const flaky = new FlakyQueue<EventNotification>(ledger.notifications, 0, slow);
			ledger.notifications = flaky;
			return flaky;
		});
		const type = "settlement.payment_batch_status_change";
		const paid = await deliverOk(eventBody({ type, key, status: "paid", at: "2024-04-23T15:08:30Z" }));
		await queue.holding; // the alarm is now waiting on the slow Queue
		const completed = await deliverOk(eventBody({ type, key, status: "completed", at: "2024-04-23T15:08:31Z" }));
		release();
		await historyRows([paid.event_id, completed.event_id]);
		await expect.poll(async () => (await entityRow("payment_batch", key))?.status).toBe("completed");
	});

	it("keeps the entity's state and memory of events when its object is evicted mid-flow", async () => {
		const key = crypto.randomUUID();
		const entity = `operation:${key}`;
		const type = "commercial_paper.operation_status_change";
		const first = await deliverOk(
			eventBody({ type, key, status: "pending_signature_submission", at: "2025-07-30T15:45:00Z" }),
		);
		await evictDurableObject(ledgerOf(entity));
		const resend = await deliverOk(
			eventBody({ type, key, status: "pending_signature_submission", at: "2025-07-30T15:45:00Z" }),
		);
		expect(resend).toMatchObject({ result: "duplicate", event_id: first.event_id });
		await deliverOk(eventBody({ type, key, status: "waiting_signature", at: "2025-07-30T15:45:00Z" }));
		await evictDurableObject(ledgerOf(entity));
		const last = await deliverOk(eventBody({ type, key, status: "issued", at: "2025-07-30T15:45:00Z" }));
		expect(last.status).toBe("issued");
		const snapshot = await ledgerOf(entity).snapshot();
		expect(snapshot?.history.map((e) => e.status)).toEqual([
			"pending_signature_submission",
			"waiting_signature",
			"issued",
		]);
		expect(snapshot?.entity?.version).toBe(3);
	});

	it("answers 503 unavailable, never 2xx, when the entity's ledger cannot record the event", async () => {
		const body = eventBody({ type: "settlement.payment_batch_status_change", status: "paid" });
		const headers = { ...(await signedHeaders(body)), "content-type": "application/json" };
		const brokenLedgers = unreachableLedgers(env.ENTITY_LEDGER);
		const response = await fetchWith(
			{ ENTITY_LEDGER: brokenLedgers },
			new Request(WEBHOOK_URL, { method: "POST", body, headers }),
		);
		expect(response.status).toBe(503);
		expect(response.headers.get("retry-after")).toBe("1");
		expect(await response.json()).toMatchObject({ error: { code: "unavailable" } });
	});
});

describe("self-healing: a ledger owes each event until the history confirms it", () => {
	/** The real Queue, except that it says yes and sends nothing: a message lost on the way. */
	class LosingQueue extends FlakyQueue<EventNotification> {
		lost = 0;
		override async sendBatch(messages: Iterable<MessageSendRequest<EventNotification>>) {
			if (this.lost++ === 0) return { metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } };
			return super.sendBatch(messages);
		}
	}

	/** The real Queue, except that its `nth` send says yes and sends nothing. */
	class LosingNth extends FlakyQueue<EventNotification> {
		private sends = 0;
		constructor(
			inner: Queue<EventNotification>,
			private readonly nth: number,
		) {
			super(inner, 0);
		}
		lost: string[] = [];
		override async sendBatch(messages: Iterable<MessageSendRequest<EventNotification>>) {
			if (++this.sends !== this.nth) return super.sendBatch(messages);
			this.lost.push(...[...messages].map((m) => m.body.event.event_id));
			return { metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } };
		}
	}

	it("sends an event again when its Queue message was lost, and it reaches D1 once", async () => {
		const key = crypto.randomUUID();
		const entity = `payment_batch:${key}`;
		const queue = await runInDurableObject(ledgerOf(entity), (ledger: EntityLedger) => {
			const losing = new LosingQueue(ledger.notifications);
			ledger.notifications = losing;
			return losing;
		});
		const answer = await deliverOk(eventBody({ type: "settlement.payment_batch_status_change", key, status: "paid" }));
		expect(await historyRows([answer.event_id], 1_000)).toHaveLength(0);
		expect(await historyRows([answer.event_id], 20_000)).toHaveLength(1);
		expect(queue.lost).toBeGreaterThanOrEqual(2);
		expect(await eventRowCount(answer.event_id)).toBe(1);
		await expect
			.poll(() =>
				runInDurableObject(ledgerOf(entity), (_: EntityLedger, state) =>
					state.storage.sql.exec("SELECT count(*) AS n FROM events WHERE unsent IS NOT NULL").one(),
				),
			)
			.toEqual({ n: 0 });
	});

	it("sends again an event lost between confirmed ones of a long history, and only it", async () => {
		const key = crypto.randomUUID();
		const entity = `asset:${key}`;
		const statuses = mainPath("asset");
		const losing = await runInDurableObject(ledgerOf(entity), (ledger: EntityLedger) => {
			const queue = new LosingNth(ledger.notifications, 3);
			ledger.notifications = queue;
			return queue;
		});
		const ids: string[] = [];
		for (const [i, status] of statuses.entries()) {
			const at = new Date(Date.UTC(2026, 0, 5, 12, i)).toISOString();
			ids.push((await deliverOk(eventBody({ type: typeOf("asset", status), key, status, at }))).event_id);
		}
		const { lost } = losing;
		expect(lost.length).toBeGreaterThan(0);
		const kept = ids.filter((id) => !lost.includes(id));
		await expect.poll(async () => (await historyRows(kept, 0)).length, { timeout: 10_000 }).toBe(kept.length);
		await runDurableObjectAlarm(ledgerOf(entity));
		await expect.poll(async () => (await historyRows(ids, 0)).length, { timeout: 10_000 }).toBe(ids.length);
		// Sent again: the lost ones alone, once each.
		expect((await sentThrough(entity)).slice(kept.length)).toEqual(lost);
	});

	it("drops the outbox index of a ledger written before, and still sends what it owes", async () => {
		const key = crypto.randomUUID();
		const entity = `payment_batch:${key}`;
		await runInDurableObject(ledgerOf(entity), (ledger: EntityLedger) => {
			ledger.notifications = new LosingQueue(ledger.notifications);
		});
		const answer = await deliverOk(eventBody({ type: "settlement.payment_batch_status_change", key, status: "paid" }));
		await runInDurableObject(ledgerOf(entity), (_: EntityLedger, state) => {
			state.storage.sql.exec("CREATE INDEX outbox ON events (seq) WHERE unsent IS NOT NULL");
		});
		await evictDurableObject(ledgerOf(entity));
		await runDurableObjectAlarm(ledgerOf(entity));
		expect(await historyRows([answer.event_id], 15_000)).toHaveLength(1);
		const indexes = await runInDurableObject(ledgerOf(entity), (_: EntityLedger, state) =>
			state.storage.sql.exec("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'outbox'").toArray(),
		);
		expect(indexes).toEqual([]);
	});

	it("waits the confirmation time to twice it before sending again, not the same time in every ledger", async () => {
		const confirmAfterMs = settingsOf(env).LEDGER_CONFIRM_AFTER_SECONDS * 1000;
		const alarmOf = (entity: string) =>
			runInDurableObject(ledgerOf(entity), (_: EntityLedger, state) => state.storage.getAlarm());
		// Each wait is known within [alarm − after, alarm − before]: the send was in between.
		const waits: { low: number; high: number }[] = [];
		for (let i = 0; i < 10; i++) {
			const key = crypto.randomUUID();
			const before = Date.now();
			await deliverOk(eventBody({ type: "settlement.payment_batch_status_change", key, status: "paid" }));
			await expect.poll(() => alarmOf(`payment_batch:${key}`)).not.toBeNull();
			const after = Date.now();
			const alarm = (await alarmOf(`payment_batch:${key}`)) ?? 0;
			waits.push({ low: alarm - after, high: alarm - before });
		}
		for (const wait of waits) {
			expect(wait.high).toBeGreaterThanOrEqual(confirmAfterMs);
			expect(wait.low).toBeLessThanOrEqual(2 * confirmAfterMs);
		}
		// Jittered: some two ledgers certainly wait different times.
		expect(Math.max(...waits.map((w) => w.low))).toBeGreaterThan(Math.min(...waits.map((w) => w.high)));
	});

	it("sends again after the object was evicted with an event sent but not confirmed", async () => {
		const key = crypto.randomUUID();
		const entity = `payment_batch:${key}`;
		await runInDurableObject(ledgerOf(entity), (ledger: EntityLedger) => {
			ledger.notifications = new LosingQueue(ledger.notifications);
		});
		const answer = await deliverOk(eventBody({ type: "settlement.payment_batch_status_change", key, status: "paid" }));
		await evictDurableObject(ledgerOf(entity));
		// The alarm the ledger set survives the eviction; run it rather than wait for it.
		await runDurableObjectAlarm(ledgerOf(entity));
		expect(await historyRows([answer.event_id], 15_000)).toHaveLength(1);
	});
});

describe("the ledger's rows written", () => {
	/** The rows written by every statement of this ledger matching `statement`, from now on. */
	async function rowsWrittenBy(entity: string, statement: RegExp) {
		return runInDurableObject(ledgerOf(entity), (_: EntityLedger, state) => {
			const counted = { rows: 0 };
			const sql = state.storage.sql;
			const exec = sql.exec.bind(sql);
			sql.exec = ((query: string, ...bindings: unknown[]) => {
				const cursor = exec(query, ...bindings);
				if (statement.test(query)) counted.rows += cursor.rowsWritten;
				return cursor;
			}) as typeof sql.exec;
			return counted;
		});
	}

	it("records an event as one row, no index entry, and still knows its resend", async () => {
		const key = crypto.randomUUID();
		const entity = `payment_batch:${key}`;
		const counted = await rowsWrittenBy(entity, /^INSERT INTO events/);
		const first = eventBody({ type: "settlement.payment_batch_status_change", key, status: "paid" });
		expect((await deliverOk(first)).result).toBe("accepted");
		expect(counted.rows).toBe(1);
		expect((await deliverOk(first)).result).toBe("duplicate");
		expect(counted.rows).toBe(1);
	});

	it("keeps deduplicating in a ledger written before, whose events have a UNIQUE index on event_id", async () => {
		const key = crypto.randomUUID();
		const entity = `payment_batch:${key}`;
		await runInDurableObject(ledgerOf(entity), (_: EntityLedger, state) => {
			state.storage.sql.exec(`CREATE TABLE events (seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE,
				unsent INTEGER, record TEXT NOT NULL, payload TEXT NOT NULL)`);
		});
		const counted = await rowsWrittenBy(entity, /^INSERT INTO events/);
		const body = eventBody({ type: "settlement.payment_batch_status_change", key, status: "paid" });
		const { event_id } = await deliverOk(body);
		expect((await deliverOk(body)).result).toBe("duplicate");
		expect(counted.rows).toBe(2);
		expect(await historyRows([event_id], 15_000)).toHaveLength(1);
	});
});
