import {
	createExecutionContext,
	createMessageBatch,
	getQueueResult,
	runDurableObjectAlarm,
	runInDurableObject,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { eventBody } from "../../simulator/qitech/examples";
import worker from "../../src/index";
import type { EntityLedger } from "../../src/ledger/entity-ledger";
import type { EventNotification } from "../../src/model";
import { consume } from "../support/consumer";
import { d1WithFailingBatches, FlakyQueue } from "../support/faults";
import { deliverOk, entityRow, historyRows, ledgerOf } from "../support/webhook";

/** Real notifications, as the ledger sends them, captured on their way to the Queue. */
async function notificationsFor(kind: "payment_batch", key: string, statuses: string[]): Promise<EventNotification[]> {
	const entity = `${kind}:${key}`;
	const queue = await runInDurableObject(ledgerOf(entity), (ledger: EntityLedger) => {
		const flaky = new FlakyQueue<EventNotification>(ledger.notifications, 0);
		ledger.notifications = flaky;
		return flaky;
	});
	for (const [i, status] of statuses.entries()) {
		await deliverOk(
			eventBody({ type: "settlement.payment_batch_status_change", key, status, at: `2024-04-23T15:08:3${i}Z` }),
		);
		await runDurableObjectAlarm(ledgerOf(entity));
	}
	return [...queue.sent];
}

describe("the D1 history written by the queue consumer", () => {
	it("changes nothing when a message is delivered again", async () => {
		const key = crypto.randomUUID();
		const [paid, completed] = await notificationsFor("payment_batch", key, ["paid", "completed"]);
		await historyRows([paid.event.event_id, completed.event.event_id]);
		const before = await env.HISTORY.prepare("SELECT * FROM events WHERE entity_key = ? ORDER BY event_id")
			.bind(key)
			.all();
		const result = await consume([paid, completed, paid]);
		expect(result.explicitAcks).toHaveLength(3);
		const after = await env.HISTORY.prepare("SELECT * FROM events WHERE entity_key = ? ORDER BY event_id")
			.bind(key)
			.all();
		expect(after.results).toEqual(before.results);
		expect(await entityRow("payment_batch", key)).toMatchObject({ status: "completed", version: 2 });
	});

	it("never moves an entity back when an older state arrives after a newer one", async () => {
		const key = crypto.randomUUID();
		const [paid, completed] = await notificationsFor("payment_batch", key, ["paid", "completed"]);
		await historyRows([completed.event.event_id]);
		// The first notification carried the entity as it was then (version 1, paid).
		if (!paid.entity) throw new Error("expected a state");
		await consume([{ ...paid, entity: { ...paid.entity, status: "paid", version: 1 } }]);
		expect(await entityRow("payment_batch", key)).toMatchObject({ status: "completed", version: 2 });
	});

	it("retries every message of a batch whose D1 write fails, and stores nothing of it", async () => {
		const key = crypto.randomUUID();
		const notifications = await notificationsFor("payment_batch", key, ["paid"]);
		await historyRows([notifications[0].event.event_id]);
		await env.HISTORY.prepare("DELETE FROM events WHERE entity_key = ?").bind(key).run();
		const failingHistory = d1WithFailingBatches(env.HISTORY);
		const result = await consume(notifications, { ...env, HISTORY: failingHistory });
		expect(result.explicitAcks).toEqual([]);
		expect(result.retryMessages.map((m) => m.msgId)).toHaveLength(1);
		expect(await historyRows([notifications[0].event.event_id], 0)).toHaveLength(0);

		// When D1 is back, the retried message lands once.
		const retried = await consume(notifications);
		expect(retried.explicitAcks).toHaveLength(1);
		expect(await historyRows([notifications[0].event.event_id], 0)).toHaveLength(1);
	});

	it("hands a dead-lettered event back to its ledger when D1 is still down, and it reaches D1 later", async () => {
		const key = crypto.randomUUID();
		const notifications = await notificationsFor("payment_batch", key, ["paid"]);
		const eventId = notifications[0].event.event_id;
		await historyRows([eventId]);
		await env.HISTORY.prepare("DELETE FROM events WHERE event_id = ?").bind(eventId).run();
		const failingHistory = d1WithFailingBatches(env.HISTORY);
		const batch = createMessageBatch<EventNotification>("qitech-events-dlq", [
			{ id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body: notifications[0] },
		]);
		const ctx = createExecutionContext();
		await worker.queue(batch, { ...env, HISTORY: failingHistory });
		expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(1);
		expect(await historyRows([eventId], 0)).toHaveLength(0);

		// The ledger holds it in its outbox; its alarm sends it again, and D1 (back now) gets it.
		const outbox = await runInDurableObject(ledgerOf(`payment_batch:${key}`), (_: EntityLedger, state) =>
			state.storage.sql.exec("SELECT event_id FROM events WHERE unsent IS NOT NULL").toArray(),
		);
		expect(outbox).toEqual([{ event_id: eventId }]);
		await runDurableObjectAlarm(ledgerOf(`payment_batch:${key}`));
		expect(await historyRows([eventId])).toHaveLength(1);
	});

	it("links an entity to the entities it belongs to", async () => {
		const asset = crypto.randomUUID();
		const assignment = crypto.randomUUID();
		await deliverOk(
			eventBody({
				type: "trade_receivables.asset_creation",
				key: asset,
				status: "pending_eligibility",
				links: { assignment },
			}),
		);
		await expect
			.poll(
				async () =>
					(
						await env.HISTORY.prepare("SELECT kind, key FROM entity_links WHERE related = ?")
							.bind(`assignment:${assignment}`)
							.all()
					).results,
			)
			.toEqual([{ kind: "asset", key: asset }]);
	});
});
