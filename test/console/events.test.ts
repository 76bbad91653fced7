/** /console/events: each search field narrows the events to those that match it, and the pages walk them all once. */
import { beforeAll, describe, expect, it } from "vitest";
import type { RecordedEvent } from "../../src/model";
import { ADMIN_KEY } from "../api/partner-client";
import { consume, entityAfter, recordedEvent } from "../support/consumer";
import { linkedEntities, nextPageOf, page, signIn } from "./console-client";

const DAY = "2025-02-01";
const at = (second: number) => new Date(Date.parse(`${DAY}T10:00:00.000Z`) + second * 1000).toISOString();
const THAT_DAY = `since=${DAY}T00:00:00Z&until=2025-02-02T00:00:00Z`;
const BATCH = "settlement.payment_batch_status_change";

let admin: string;

async function recorded(events: RecordedEvent[]): Promise<void> {
	const result = await consume(events.map((event) => ({ event, payload: "{}", entity: entityAfter(event) })));
	expect(result.explicitAcks).toHaveLength(events.length);
}

const found = async (search: string) => linkedEntities(await page(`/console/events?${search}`, admin)).sort();

beforeAll(async () => {
	admin = await signIn(ADMIN_KEY);
	const asset = (key: string, status: string, second: number, anomaly: RecordedEvent["anomaly"] = null) =>
		recordedEvent({ key, status, received_at: at(second), anomaly });
	const batch = (key: string, status: string, second: number) =>
		recordedEvent({ type: BATCH, kind: "payment_batch", key, status, received_at: at(second) });
	await recorded([
		asset("a1", "pending_eligibility", 1),
		asset("a2", "completed", 2),
		asset("a3", "brand_new_status", 3, "unknown_status"),
		batch("b1", "paid", 4),
		batch("b2", "completed", 5),
	]);
});

describe("console: searching events", () => {
	it.each([
		["type", `type=${BATCH}`, ["payment_batch:b1", "payment_batch:b2"]],
		["kind and status", "kind=asset&status=completed", ["asset:a2"]],
		["anomaly", "anomaly=unknown_status", ["asset:a3"]],
		["kind and key", "kind=asset&key=a1", ["asset:a1"]],
	])("by %s finds the events that match and no other", async (_, search, expected) => {
		expect(await found(`${search}&${THAT_DAY}`)).toEqual(expected);
	});

	it("by time finds those received from `since` (inclusive) until `until` (exclusive)", async () => {
		expect(await found(`since=${at(2)}&until=${at(4)}`)).toEqual(["asset:a2", "asset:a3"]);
		expect(await found(`since=${at(4).slice(0, 19)}&until=${at(5).slice(0, 19)}`)).toEqual(["payment_batch:b1"]);
	});

	it("pages through 60 events with the Next link, newest first: none repeated, none missed", async () => {
		const day = "2025-02-03";
		// Pairs received at the same instant, one pair across the page boundary.
		const events = Array.from({ length: 60 }, (_, i) =>
			recordedEvent({
				key: `p${i}`,
				received_at: new Date(Date.parse(`${day}T10:00:00Z`) + Math.floor((i + 1) / 2)).toISOString(),
			}),
		);
		await recorded(events);
		const first = await page(`/console/events?kind=asset&since=${day}T00:00:00Z&until=${day}T23:59:59Z`, admin);
		const next = nextPageOf(first);
		expect(next).toMatch(/^\/console\/events\?.*cursor=/);
		const second = await page(next ?? "", admin);
		expect(nextPageOf(second)).toBeNull();
		const walked = [...linkedEntities(first), ...linkedEntities(second)];
		expect(linkedEntities(first)).toHaveLength(50);
		expect(walked).toHaveLength(60);
		expect(new Set(walked)).toEqual(new Set(events.map((e) => `asset:${e.key}`)));
		expect(walked[0]).toBe("asset:p59");
	});
});
