/** The history's events across two D1 databases by month (HISTORY_PARTITIONS): lookups and cursors span both. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EventNotification } from "../../src/model";
import { holdStatement } from "../../src/notifications/ordering";
import { parseSettings } from "../../src/settings";
import { type EventPosition, listEvents, predecessorsElsewhere } from "../../src/storage/event-lookups";
import { historyOf } from "../../src/storage/partitions";
import { batchOf } from "../../src/storage/rows";
import { lookupWith } from "../api/partner-client";
import { consume, recordedEvent } from "../support/consumer";
import { envWith } from "../support/worker";

/** HISTORY_ARCHIVE holds every month up to December 2025; HISTORY the months after. */
const PARTITIONED = { HISTORY_PARTITIONS: "HISTORY_ARCHIVE=2025-12" };
const partitioned = envWith(PARTITIONED);

function notification(key: string, receivedAt: string, sequence: number): EventNotification {
	const event = recordedEvent({
		event_id: `part-${receivedAt}-${crypto.randomUUID()}`,
		key,
		received_at: receivedAt,
		sequence,
	});
	return { event, payload: JSON.stringify({ received: receivedAt, texto: "mês de referência" }), entity: null };
}

async function idsIn(db: D1Database, key: string) {
	const { results } = await db
		.prepare("SELECT event_id FROM events WHERE entity_key = ? ORDER BY event_id")
		.bind(key)
		.all<{ event_id: string }>();
	return results.map((r) => r.event_id);
}

/** Three events at each instant, so the cursor's tie-break on event_id matters at the boundary. */
const TIMES = [
	"2025-11-15T08:00:00.000Z",
	"2025-12-31T23:59:59.999Z",
	"2026-01-01T00:00:00.000Z",
	"2026-02-03T10:00:00.000Z",
].flatMap((t) => [t, t, t]);

async function story() {
	const key = `partitioned-${crypto.randomUUID()}`;
	const notifications = TIMES.map((t, i) => notification(key, t, i + 1));
	const result = await consume(notifications, partitioned);
	expect(result.explicitAcks).toHaveLength(notifications.length);
	const inOrder = [...notifications]
		.map((n) => n.event)
		.sort((a, b) => (a.received_at + a.event_id < b.received_at + b.event_id ? -1 : 1));
	return { key, notifications, inOrder };
}

interface Page {
	data: { event_id: string; received_at: string }[];
	next_cursor: string | null;
}

async function walk(query: string, limit: number): Promise<string[]> {
	const ids: string[] = [];
	let cursor: string | null = null;
	for (let i = 0; i < 50; i++) {
		const path = `/v1/events?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
		const response = await lookupWith(PARTITIONED, path);
		expect(response.status).toBe(200);
		const page = await response.json<Page>();
		ids.push(...page.data.map((e) => e.event_id));
		cursor = page.next_cursor;
		if (cursor === null) return ids;
	}
	throw new Error("the walk never ended");
}

describe("a history partitioned by month", () => {
	it("writes each event to its month's database: up to December 2025 to the archive, later ones to HISTORY", async () => {
		const { key, notifications } = await story();
		const ids = (months: string[]) =>
			notifications
				.filter((n) => months.some((m) => n.event.received_at.startsWith(m)))
				.map((n) => n.event.event_id)
				.sort();
		expect(await idsIn(env.HISTORY_ARCHIVE, key)).toEqual(ids(["2025-11", "2025-12"]));
		expect(await idsIn(env.HISTORY, key)).toEqual(ids(["2026-01", "2026-02"]));
	});

	it("finds an event by id and returns its payload, whichever database holds it", async () => {
		const { notifications } = await story();
		for (const n of [notifications[0], notifications[9]]) {
			const response = await lookupWith(PARTITIONED, `/v1/events/${n.event.event_id}`);
			expect(await response.json()).toMatchObject({ event_id: n.event.event_id, payload: n.payload });
		}
		// The archive is read only when the setting says so.
		expect((await lookupWith({}, `/v1/events/${notifications[0].event.event_id}`)).status).toBe(404);
	});

	it.each([1, 2, 4, 5, 50])("pages through both databases in order, no gap, no repeat (limit %i)", async (limit) => {
		const { key, inOrder } = await story();
		expect(await walk(`kind=asset&key=${key}`, limit)).toEqual(inOrder.map((e) => e.event_id));
	});

	it.each([1, 2, 4, 5, 50])(
		"pages newest first through both databases, as the console does (limit %i)",
		async (limit) => {
			const { key, inOrder } = await story();
			const history = historyOf(partitioned);
			const ids: string[] = [];
			let after: EventPosition | null = null;
			for (let page = 0; page < 50; page++) {
				const rows = await listEvents(history, { kind: "asset", key }, after, limit, "desc");
				ids.push(...rows.map((r) => r.event_id));
				if (rows.length < limit) break;
				const last = rows[rows.length - 1];
				after = [last.received_at, last.event_id];
			}
			expect(ids).toEqual(inOrder.map((e) => e.event_id).reverse());
		},
	);

	it("keeps since and until across the boundary", async () => {
		const { key, inOrder } = await story();
		const since = "2025-12-31T23:59:59.999Z";
		const until = "2026-02-01T00:00:00.000Z";
		const expected = inOrder.filter((e) => e.received_at >= since && e.received_at < until).map((e) => e.event_id);
		expect(expected).toHaveLength(6);
		expect(await walk(`kind=asset&key=${key}&since=${since}&until=${until}`, 2)).toEqual(expected);
		expect(await walk(`kind=asset&key=${key}&until=2025-12-01T00:00:00.000Z`, 2)).toEqual(
			inOrder.slice(0, 3).map((e) => e.event_id),
		);
	});

	it("counts an entity's earlier events in the archive, so an ordered delivery does not wait for them", async () => {
		const { key, notifications } = await story();
		const history = historyOf(partitioned);
		const latest = notifications[notifications.length - 1].event;
		expect(await predecessorsElsewhere(history, "asset", key, latest.sequence)).toBe(6);
		await env.HISTORY.prepare(
			"INSERT INTO deliveries (event_id, destination_id, attempts, outcome, created_at, updated_at, sequence, entity) VALUES (?, 'dst_part', 0, 'pending', ?2, ?2, ?3, ?4)",
		)
			.bind(latest.event_id, new Date().toISOString(), latest.sequence, `asset:${key}`)
			.run();
		const d = { event_id: latest.event_id, destination_id: "dst_part", entity: `asset:${key}`, kind: "asset", key };
		const at = new Date().toISOString();
		expect((await batchOf(env.HISTORY, [holdStatement({ ...d, sequence: latest.sequence }, at, 0)]))[0]).toHaveLength(
			1,
		);
		await env.HISTORY.prepare("UPDATE deliveries SET outcome = 'pending' WHERE event_id = ?")
			.bind(latest.event_id)
			.run();
		expect((await batchOf(env.HISTORY, [holdStatement({ ...d, sequence: latest.sequence }, at, 6)]))[0]).toEqual([]);
	});

	it("retries a batch when a named database is not bound, and refuses a malformed setting", async () => {
		const n = notification(`unbound-${crypto.randomUUID()}`, "2025-06-01T00:00:00.000Z", 1);
		const result = await consume([n], envWith({ HISTORY_PARTITIONS: "HISTORY_MISSING=2025-12" }));
		expect(result.retryMessages).toHaveLength(1);
		for (const value of ["HISTORY=2025-12", "HISTORY_ARCHIVE=2025-12,HISTORY_OLD=2025-06", "HISTORY_ARCHIVE=2025-13"]) {
			expect(
				parseSettings({ HISTORY_PARTITIONS: value }).problems.map((p) => p.setting),
				value,
			).toEqual(["HISTORY_PARTITIONS"]);
		}
	});
});
