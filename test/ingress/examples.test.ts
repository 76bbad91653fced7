import { describe, expect, it } from "vitest";
import { EXAMPLES } from "../../simulator/qitech/examples";
import { deliver, deliverOk, historyRows, payloadOfRow } from "../support/webhook";

describe("QI Tech's own example payloads", () => {
	it("accepts every example of the five pages, verbatim, onto the right entity with the right status", async () => {
		expect(EXAMPLES).toHaveLength(43);
		const answers = [];
		for (const example of EXAMPLES) {
			const response = await deliver(example.body);
			expect(response.status, example.title).toBe(200);
			const answer = await response.json<{ result: string; entity: string; event_id: string }>();
			expect(answer.entity, example.title).toBe(example.entity);
			expect(["accepted", "stale"], example.title).toContain(answer.result);
			answers.push({ example, answer });
		}
		const rows = await historyRows(answers.map((a) => a.answer.event_id));
		expect(rows).toHaveLength(EXAMPLES.length);
		for (const { example, answer } of answers) {
			const row = rows.find((r) => r.event_id === answer.event_id);
			expect(`${row?.entity_kind}:${row?.entity_key}`, example.title).toBe(example.entity);
			expect(row?.status, example.title).toBe(example.status);
			expect(row?.type, example.title).toBe(example.type);
			expect(row && (await payloadOfRow(row)), example.title).toBe(example.body);
		}
	});

	it("flags the pages' placeholder status as unknown instead of rejecting it", async () => {
		const placeholders = EXAMPLES.filter((e) => e.status === "STATUS");
		expect(placeholders.length).toBeGreaterThan(0);
		const answers = await Promise.all(placeholders.map((e) => deliverOk(e.body)));
		const rows = await historyRows(answers.map((a) => a.event_id));
		expect(rows.map((r) => [r.status, r.anomaly])).toEqual(placeholders.map(() => ["STATUS", "unknown_status"]));
	});
});
