import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { eventBody } from "../../simulator/qitech/examples";
import { sweepStuckEntities } from "../../src/alerts/stuck-entities";
import { deliverOk, entityRow, historyRows } from "../support/webhook";
import { type EnvChanges, envWith } from "../support/worker";

const ASSIGNMENT = "trade_receivables.assignment_status_change";
/** A São Paulo wall time (UTC−03:00 since 2019). */
const sp = (local: string) => new Date(`${local}:00-03:00`);
/** Friday before Carnival 2026 (Mon 16 and Tue 17 Feb are holidays). */
const FRIDAY_16H = "2026-02-13T16:00";

/**
 * An assignment put in `status` by a real signed webhook, as QI Tech would send it. The receiver
 * stamps `updated_at` (when it entered the status) with its own clock, today; the sweeps run on an
 * injected clock in February 2026, so that one column is moved to when the test says it arrived.
 */
async function assignmentIn(status: string, arrived = FRIDAY_16H): Promise<string> {
	const key = `A-${crypto.randomUUID()}`;
	const answer = await deliverOk(eventBody({ type: ASSIGNMENT, key, status, at: sp(arrived).toISOString() }));
	expect(await historyRows([answer.event_id])).toHaveLength(1);
	await env.HISTORY.prepare("UPDATE entities SET updated_at = ? WHERE kind = 'assignment' AND key = ?")
		.bind(sp(arrived).toISOString(), key)
		.run();
	return key;
}

async function pay(key: string, status: string) {
	const answer = await deliverOk(
		eventBody({ type: ASSIGNMENT, key, status, at: sp("2026-02-18T17:00").toISOString() }),
	);
	await historyRows([answer.event_id]);
	expect((await entityRow("assignment", key))?.status).toBe(status);
}

async function alertsOf(key: string) {
	const { results } = await env.HISTORY.prepare("SELECT * FROM alerts WHERE fingerprint = ? ORDER BY first_seen")
		.bind(`entity.stuck:assignment:${key}`)
		.all<{ id: string; status: string; count: number; first_seen: string; details: string }>();
	return results;
}

/** The sweep as the Cron Trigger runs it, every `stepMinutes` from `from` to `to` included. */
async function sweepEvery(stepMinutes: number, from: Date, to: Date, changes: EnvChanges = {}) {
	const sweepEnv = envWith(changes);
	for (let t = from.getTime(); t <= to.getTime(); t += stepMinutes * 60_000) {
		await sweepStuckEntities(sweepEnv, new Date(t));
	}
}

describe("an assignment left in pending_payment (9 business hours) over a weekend and Carnival", () => {
	it("alerts only once its allowance has passed in business time, once, counting every run", async () => {
		const key = await assignmentIn("pending_payment");
		// Friday 16:00–18:00 is 2 business hours; Saturday, Sunday and Carnival count nothing; Wednesday 09:00–16:00 the other 7.
		await sweepEvery(60, sp(FRIDAY_16H), sp("2026-02-18T15:00"));
		expect(await alertsOf(key)).toEqual([]);
		await sweepEvery(1, sp("2026-02-18T15:50"), sp("2026-02-18T15:59"));
		expect(await alertsOf(key)).toEqual([]);
		await sweepEvery(1, sp("2026-02-18T16:00"), sp("2026-02-18T16:10"));
		const alerts = await alertsOf(key);
		expect(alerts).toHaveLength(1);
		expect(alerts[0]).toMatchObject({ status: "open", count: 11, first_seen: sp("2026-02-18T16:00").toISOString() });
		expect(JSON.parse(alerts[0].details)).toEqual({
			entity_kind: "assignment",
			entity_key: key,
			status: "pending_payment",
			since: sp(FRIDAY_16H).toISOString(),
			allowance_ms: 9 * 3_600_000,
			stuck_at: sp("2026-02-18T16:00").toISOString(),
		});
	});

	it.each([
		["Saturday noon", "2026-02-14T12:00"],
		["Carnival Monday", "2026-02-16T17:00"],
		["Carnival Tuesday evening", "2026-02-17T23:00"],
		["Wednesday 15:59", "2026-02-18T15:59"],
	])("is not stuck on %s", async (_, instant) => {
		const key = await assignmentIn("pending_payment");
		await sweepStuckEntities(env, sp(instant));
		expect(await alertsOf(key)).toEqual([]);
	});

	it.each(["pending_assets_wallet_inclusion", "completed"])(
		"resolves when it is paid (%s), and stays resolved",
		async (paid) => {
			const key = await assignmentIn("pending_payment");
			await sweepEvery(1, sp("2026-02-18T16:00"), sp("2026-02-18T16:02"));
			expect((await alertsOf(key)).map((a) => a.status)).toEqual(["open"]);
			await pay(key, paid);
			await sweepEvery(60, sp("2026-02-18T16:03"), sp("2026-02-20T16:03"));
			const alerts = await alertsOf(key);
			expect(alerts.map((a) => [a.status, a.count])).toEqual([["resolved", 3]]);
		},
	);
});

describe("allowances and the calendar from the settings", () => {
	it.each<[string, EnvChanges, string, string]>([
		["the default", {}, "2026-02-18T15:59", "2026-02-18T16:00"],
		["STUCK_ALLOWANCES", { STUCK_ALLOWANCES: "assignment.pending_payment=1h" }, "2026-02-13T16:59", "2026-02-13T17:00"],
		["EXTRA_HOLIDAYS", { EXTRA_HOLIDAYS: "2026-02-18" }, "2026-02-19T15:59", "2026-02-19T16:00"],
		["BUSINESS_HOURS", { BUSINESS_HOURS: "09:00-17:00" }, "2026-02-18T16:59", "2026-02-18T17:00"],
		// 2d is 24 h of 08:00–20:00 days: 4 h on Friday, 12 h on Wednesday, 8 h on Thursday.
		[
			"a day of BUSINESS_HOURS in STUCK_ALLOWANCES",
			{ STUCK_ALLOWANCES: "assignment.pending_payment=2d", BUSINESS_HOURS: "08:00-20:00" },
			"2026-02-19T15:59",
			"2026-02-19T16:00",
		],
	])("%s: not stuck at %s, stuck at %s", async (_, changes, notYet, stuckAt) => {
		const key = await assignmentIn("pending_payment");
		await sweepStuckEntities(envWith(changes), sp(notYet));
		expect(await alertsOf(key)).toEqual([]);
		await sweepStuckEntities(envWith(changes), sp(stuckAt));
		expect((await alertsOf(key)).map((a) => a.status)).toEqual(["open"]);
	});

	it("never alerts on an entity in a final status", async () => {
		const key = await assignmentIn("completed");
		await sweepStuckEntities(env, sp("2026-03-31T12:00"));
		expect(await alertsOf(key)).toEqual([]);
	});
});

describe("a settlement batch left paid on a Friday evening (9 business hours)", () => {
	it("is not stuck over the weekend, and is on Monday once the hours are used up", async () => {
		const key = `B-${crypto.randomUUID()}`;
		const paidAt = sp("2026-03-06T17:30");
		const type = "settlement.payment_batch_status_change";
		const answer = await deliverOk(eventBody({ type, key, status: "paid", at: paidAt.toISOString() }));
		expect(await historyRows([answer.event_id])).toHaveLength(1);
		await env.HISTORY.prepare("UPDATE entities SET updated_at = ? WHERE kind = 'payment_batch' AND key = ?")
			.bind(paidAt.toISOString(), key)
			.run();
		const stuck = async () =>
			(
				await env.HISTORY.prepare("SELECT status FROM alerts WHERE fingerprint = ?")
					.bind(`entity.stuck:payment_batch:${key}`)
					.all()
			).results;
		// Friday 17:30–18:00 is half an hour; Saturday and Sunday count nothing; Monday 09:00–17:30 the rest.
		await sweepEvery(120, sp("2026-03-06T18:00"), sp("2026-03-09T17:00"));
		await sweepEvery(1, sp("2026-03-09T17:25"), sp("2026-03-09T17:29"));
		expect(await stuck()).toEqual([]);
		await sweepEvery(1, sp("2026-03-09T17:30"), sp("2026-03-09T17:31"));
		expect(await stuck()).toEqual([{ status: "open" }]);
	});
});
