import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { buildPlan, FLOW_NAMES, type Plan, type PlanOptions } from "../../simulator/plan";
import { runPlan, type Send } from "../../simulator/run";
import { mismatches, summarise } from "../../simulator/summary";
import type { SignatureScheme as Scheme } from "../../src/model";
import { ledgerOf, signer, WEBHOOK_URL } from "../support/webhook";

const toWorker: Send = (body, headers) => exports.default.fetch(WEBHOOK_URL, { method: "POST", body, headers });

/** Each entity's status as its ledger holds it (what the partner lookup API reads). */
async function ledgerStatuses(plan: Plan) {
	const names = plan.entities.map((e) => `${e.kind}:${e.key}`);
	const snapshots = await Promise.all(names.map((name) => ledgerOf(name).snapshot()));
	return new Map(names.map((name, i) => [name, snapshots[i]?.entity?.status ?? null]));
}

async function simulate(options: Partial<PlanOptions>, scheme: Scheme = "hs256", send = toWorker) {
	const plan = buildPlan({ flows: FLOW_NAMES, ...options });
	const outcomes = await runPlan(plan, {
		send,
		sign: (body) => signer.headers(body, { scheme, url: WEBHOOK_URL }),
		concurrency: 4,
		retries: 0,
	});
	return { plan, outcomes, summaries: summarise(plan, outcomes, await ledgerStatuses(plan)) };
}

describe("the simulator against the worker under test", () => {
	it.each(["hs256", "hmac", "es512"] as const)(
		"brings every flow to its documented final statuses when signing with %s",
		async (scheme) => {
			const { plan, outcomes, summaries } = await simulate({}, scheme);
			expect(outcomes.filter((o) => o.answer === "rejected")).toEqual([]);
			expect(outcomes.every((o) => o.answer === "accepted")).toBe(true);
			const readBack = summaries.flatMap((s) => s.entities.map((e) => `${e.kind} ${e.readBack}`));
			expect(readBack).toEqual(plan.entities.map((e) => `${e.kind} ${e.final}`));
			expect(mismatches(summaries)).toEqual([]);
		},
	);

	it("reaches the same final statuses when every webhook is sent three times and each flow is shuffled", async () => {
		const { plan, summaries } = await simulate({ duplicates: 2, shuffle: true, seed: 20240423 });
		for (const s of summaries) {
			expect(s.rejected).toBe(0);
			expect(s.duplicate).toBe((s.sent / 3) * 2);
			expect(s.accepted + s.stale).toBe(s.sent / 3);
		}
		// The seed puts some later steps first, so older events do arrive late and stay stale.
		expect(summaries.reduce((n, s) => n + s.stale, 0)).toBeGreaterThan(0);
		const readBack = summaries.flatMap((s) => s.entities.map((e) => `${e.kind} ${e.readBack}`));
		expect(readBack).toEqual(plan.entities.map((e) => `${e.kind} ${e.final}`));
		expect(mismatches(summaries)).toEqual([]);
	});

	it("reports the entity whose last webhook never got through as not at its documented status", async () => {
		const dropped = (body: string) => JSON.parse(body).data.status === "completed";
		const send: Send = (body, headers) =>
			dropped(body) ? Promise.resolve(new Response(null, { status: 503 })) : toWorker(body, headers);
		const { summaries } = await simulate({ flows: ["payment-batch"] }, "hs256", send);
		expect(summaries[0]).toMatchObject({ flow: "payment-batch", sent: 2, accepted: 1, rejected: 1 });
		expect(mismatches(summaries)).toMatchObject([
			{ kind: "payment_batch", final: "completed", answered: "paid", readBack: "paid" },
		]);
	});
});

describe("the simulator's plan, derived from the catalog and QI Tech's examples", () => {
	const kindsAndFinals = (plan: Plan) => plan.entities.map((e) => `${e.flow}: ${e.kind} → ${e.final}`);

	it("moves each flow's entities to the last status of their documented path", () => {
		expect(kindsAndFinals(buildPlan({ flows: FLOW_NAMES }))).toEqual([
			"commercial-paper: issuer → approved",
			"commercial-paper: investor → approved",
			"commercial-paper: operation → issued",
			"subscription: subscription → finished",
			"subscription: subscription_payment → confirmed",
			"assignment: assignment → completed",
			"asset: asset → completed",
			"asset: asset → completed",
			"payment-instrument: payment_instrument_entry → concluded",
			"payment-instrument: payment_instrument_entry → canceled",
			"payment-batch: payment_batch → completed",
		]);
	});

	it("runs the subscription payment while its subscription waits, linked to that subscription", () => {
		const [lane] = buildPlan({ flows: ["subscription"] }).lanes;
		expect(lane.map((w) => `${w.kind} ${w.status}`)).toEqual([
			"subscription waiting_signature",
			"subscription waiting_payment",
			"subscription_payment waiting_confirmation",
			"subscription_payment confirmed",
			"subscription finished",
		]);
		const subscriptionKey = lane[0].key;
		for (const w of lane.filter((w) => w.kind === "subscription_payment")) {
			expect(JSON.parse(w.body).event_data.subscription_key).toBe(subscriptionKey);
		}
	});

	it("creates each asset with QI Tech's creation event and links both assets to one assignment", () => {
		const [lane] = buildPlan({ flows: ["asset"] }).lanes;
		const assignments = new Set(lane.map((w) => JSON.parse(w.body).data.assignment_external_id));
		expect(assignments.size).toBe(1);
		const firsts = lane.filter((w) => w.status === "pending_eligibility");
		expect(firsts.map((w) => w.type)).toEqual(["trade_receivables.asset_creation", "trade_receivables.asset_creation"]);
		expect(
			lane
				.filter((w) => w.status !== "pending_eligibility")
				.every((w) => w.type === "trade_receivables.asset_status_change"),
		).toBe(true);
	});

	it("gives every instance fresh keys and its steps increasing times", () => {
		const plan = buildPlan({ flows: ["payment-batch"], entities: 3, start: new Date("2025-01-02T03:04:05Z") });
		expect(new Set(plan.entities.map((e) => e.key)).size).toBe(3);
		expect(plan.lanes[0].map((w) => JSON.parse(w.body).webhook_datetime)).toEqual([
			"2025-01-02T03:04:05Z",
			"2025-01-02T03:04:06Z",
		]);
	});

	it("replays the same shuffled order from the same seed", () => {
		const order = (seed: number) =>
			buildPlan({ flows: ["assignment"], duplicates: 1, shuffle: true, seed }).lanes[0].map(
				(w) => `${w.status}#${w.copy}`,
			);
		expect(order(7)).toEqual(order(7));
		expect(order(7)).not.toEqual(order(8));
		expect([...order(7)].sort()).toEqual(
			buildPlan({ flows: ["assignment"], duplicates: 1 })
				.lanes[0].map((w) => `${w.status}#${w.copy}`)
				.sort(),
		);
	});
});
