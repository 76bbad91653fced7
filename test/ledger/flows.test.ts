import { describe, expect, it } from "vitest";
import { eventBody, typeOf } from "../../simulator/qitech/examples";
import { ENTITY_KINDS, FLOWS } from "../../src/catalog/catalog";
import { deliverOk, entityRow, historyRows, ledgerOf, payloadOfRow } from "../support/webhook";

const SAME_SECOND = "2024-04-23T15:08:30Z";

/** Deterministic shuffle, so a failure can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
	const out = [...items];
	let s = seed;
	for (let i = out.length - 1; i > 0; i--) {
		s = (s * 1103515245 + 12345) % 2 ** 31;
		const j = s % (i + 1);
		[out[i], out[j]] = [out[j], out[i]];
	}
	return out;
}

/** Every documented path of every flow, plus the one-status flows (issuer, investor). */
const documentedPaths = ENTITY_KINDS.flatMap((kind) => {
	const flow = FLOWS[kind];
	const paths = flow.paths.length > 0 ? flow.paths : flow.order.map((s) => [s]);
	return paths.map((path) => ({ kind, path }));
});

describe("documented flows delivered shuffled, all in the same second", () => {
	it.each(documentedPaths.map(({ kind, path }) => [`${kind}: ${path.join(" → ")}`, kind, path] as const))(
		"%s ends at its last status with a complete history",
		async (_name, kind, path) => {
			for (const seed of [1, 2, 3]) {
				const key = crypto.randomUUID();
				const answers = [];
				for (const status of shuffled(path, seed)) {
					answers.push(await deliverOk(eventBody({ type: typeOf(kind, status), key, status, at: SAME_SECOND })));
				}
				expect(answers.at(-1)?.status).toBe(path.at(-1));
				expect(answers.filter((a) => a.result === "duplicate")).toHaveLength(0);

				const snapshot = await ledgerOf(`${kind}:${key}`).snapshot();
				expect(snapshot?.entity?.status).toBe(path.at(-1));
				expect(snapshot?.history.map((e) => e.status)).toEqual([...path]);

				const rows = await historyRows(answers.map((a) => a.event_id));
				expect(rows).toHaveLength(path.length);
				await expect.poll(async () => (await entityRow(kind, key))?.status).toBe(path.at(-1));
			}
		},
	);

	it("keeps the subscription and its payment apart while they interleave", async () => {
		const subscription = crypto.randomUUID();
		const payment = crypto.randomUUID();
		const steps = [
			eventBody({
				type: "subscription.subscription_status_change",
				key: subscription,
				status: "waiting_signature",
				at: SAME_SECOND,
			}),
			eventBody({
				type: "subscription.subscription_status_change",
				key: subscription,
				status: "waiting_payment",
				at: SAME_SECOND,
			}),
			eventBody({
				type: "subscription_payment.subscription_payment_status_change",
				key: payment,
				status: "waiting_confirmation",
				at: SAME_SECOND,
				links: { subscription },
			}),
			eventBody({
				type: "subscription_payment.subscription_payment_status_change",
				key: payment,
				status: "confirmed",
				at: SAME_SECOND,
				links: { subscription },
			}),
			eventBody({
				type: "subscription.subscription_status_change",
				key: subscription,
				status: "finished",
				at: SAME_SECOND,
			}),
		];
		for (const body of shuffled(steps, 7)) await deliverOk(body);
		expect((await ledgerOf(`subscription:${subscription}`).snapshot())?.entity?.status).toBe("finished");
		const paymentState = await ledgerOf(`subscription_payment:${payment}`).snapshot();
		expect(paymentState?.entity?.status).toBe("confirmed");
		expect(paymentState?.entity?.related.subscription).toBe(subscription);
	});

	it("keeps an older event as stale in the history without moving the status", async () => {
		const key = crypto.randomUUID();
		const type = "commercial_paper.operation_status_change";
		await deliverOk(eventBody({ type, key, status: "issued", at: "2025-07-30T15:45:10Z" }));
		const late = await deliverOk(eventBody({ type, key, status: "waiting_signature", at: "2025-07-30T15:45:05Z" }));
		expect(late).toMatchObject({ result: "stale", status: "issued" });
		const [row] = await historyRows([late.event_id]);
		expect(row.result).toBe("stale");
	});

	it("applies a newer move outside the flows and flags it on the event and the entity", async () => {
		const key = crypto.randomUUID();
		const type = "commercial_paper.operation_status_change";
		await deliverOk(eventBody({ type, key, status: "issued", at: "2025-07-30T15:45:00Z" }));
		const odd = await deliverOk(eventBody({ type, key, status: "waiting_signature", at: "2025-07-30T15:46:00Z" }));
		expect(odd).toMatchObject({ result: "accepted", status: "waiting_signature" });
		const snapshot = await ledgerOf(`operation:${key}`).snapshot();
		expect(snapshot?.entity?.anomalies).toEqual([{ event_id: odd.event_id, anomaly: "unexpected_transition" }]);
		const [row] = await historyRows([odd.event_id]);
		expect(row.anomaly).toBe("unexpected_transition");
	});

	it("files an authentic envelope of an unknown type under unclassified instead of rejecting it", async () => {
		const body = JSON.stringify({
			webhook_type: "baas.brand_new_event",
			webhook_datetime: "2024-04-23T15:08:30Z",
			data: { id: crypto.randomUUID() },
		});
		const answer = await deliverOk(body);
		// Each its own ledger: a stream of unknown events never piles into one.
		expect(answer).toMatchObject({ result: "accepted", entity: `unclassified:${answer.event_id}` });
		const [row] = await historyRows([answer.event_id]);
		expect(await payloadOfRow(row)).toBe(body);
	});
});
