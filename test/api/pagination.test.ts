import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { listEvents } from "../../src/storage/event-lookups";
import { historyOf } from "../../src/storage/partitions";
import { type ErrorBody, lookup, lookupOk } from "./partner-client";

interface Page<T> {
	data: T[];
	next_cursor: string | null;
}

/** Follows next_cursor from the first page to the last, calling `between` after each page. */
async function walk<T>(
	path: string,
	between: (pages: number) => Promise<void> = async () => {},
): Promise<{ rows: T[]; pages: number }> {
	const rows: T[] = [];
	let cursor: string | null = null;
	let pages = 0;
	do {
		const separator = path.includes("?") ? "&" : "?";
		const page: Page<T> = await lookupOk<Page<T>>(
			cursor ? `${path}${separator}cursor=${encodeURIComponent(cursor)}` : path,
		);
		rows.push(...page.data);
		cursor = page.next_cursor;
		pages++;
		await between(pages);
	} while (cursor !== null && pages < 1000);
	return { rows, pages };
}

/** `n` instants from `base`, `perInstant` at each, so rows tie on time and the tie-break matters. */
function instants(base: string, n: number, perInstant: number): string[] {
	return Array.from({ length: n }, (_, i) => new Date(Date.parse(base) + Math.floor(i / perInstant)).toISOString());
}

async function insertEvents(type: string, key: string, times: string[]): Promise<string[]> {
	const ids = times.map(() => crypto.randomUUID());
	const insert = env.HISTORY.prepare(
		`INSERT INTO events (event_id, type, entity_kind, entity_key, status, previous_status, occurred_at, received_at, result, anomaly, signature_scheme, binding, payload)
		 VALUES (?, ?, 'asset', ?, 'completed', NULL, ?, ?, 'accepted', NULL, 'hs256', 'body', '{}')`,
	);
	await env.HISTORY.batch(ids.map((id, i) => insert.bind(id, type, key, times[i], times[i])));
	return ids;
}

async function insertEntities(kind: string, status: string, keys: string[], times: string[], related: string | null) {
	const entity = env.HISTORY.prepare(
		"INSERT INTO entities (kind, key, status, occurred_at, updated_at, version, related, anomalies) VALUES (?, ?, ?, ?, ?, 1, '{}', '[]')",
	);
	const link = env.HISTORY.prepare("INSERT INTO entity_links (related, kind, key) VALUES (?, ?, ?)");
	await env.HISTORY.batch([
		...keys.map((key, i) => entity.bind(kind, key, status, times[i], times[i])),
		...(related ? keys.map((key) => link.bind(related, kind, key)) : []),
	]);
}

const byPosition = (a: { received_at: string; event_id: string }, b: { received_at: string; event_id: string }) =>
	a.received_at < b.received_at ? -1 : a.received_at > b.received_at ? 1 : a.event_id < b.event_id ? -1 : 1;

describe("keyset pagination", () => {
	it("walks 1,000 events of a type page by page without gaps or repeats, in (received_at, event_id) order", async () => {
		const type = `test.pagination.${crypto.randomUUID()}`;
		const ids = await insertEvents(type, "k", instants("2201-01-01T00:00:00.000Z", 1000, 7));
		const { rows, pages } = await walk<{ event_id: string; received_at: string }>(`/v1/events?type=${type}&limit=37`);
		expect(pages).toBe(Math.ceil(1000 / 37));
		expect(new Set(rows.map((r) => r.event_id)).size).toBe(1000);
		expect(rows.map((r) => r.event_id).sort()).toEqual([...ids].sort());
		expect([...rows].sort(byPosition)).toEqual(rows);
	});

	it("walks one entity's events and a received_at window the same way", async () => {
		const key = crypto.randomUUID();
		const times = instants("2202-01-01T00:00:00.000Z", 600, 3);
		const ids = await insertEvents(`test.pagination.${key}`, key, times);
		const entity = await walk<{ event_id: string }>(`/v1/events?kind=asset&key=${key}&limit=50`);
		expect(new Set(entity.rows.map((r) => r.event_id))).toEqual(new Set(ids));
		expect(entity.rows).toHaveLength(600);
		const window = await walk<{ event_id: string }>(`/v1/events?since=${times[0]}&until=${times[300]}&limit=41`);
		expect(window.rows.map((r) => r.event_id).sort()).toEqual(ids.slice(0, 300).sort());
	});

	it("walks a kind of two event types as one list, in order across both, without gaps or repeats", async () => {
		const times = instants("2206-01-01T00:00:00.000Z", 300, 4);
		const key = crypto.randomUUID();
		const created = await insertEvents(
			"trade_receivables.asset_creation",
			key,
			times.filter((_, i) => i % 3 === 0),
		);
		const changed = await insertEvents(
			"trade_receivables.asset_status_change",
			key,
			times.filter((_, i) => i % 3 > 0),
		);
		const window = `since=${times[0]}&until=2207-01-01T00:00:00.000Z`;
		const { rows } = await walk<{ event_id: string; received_at: string }>(`/v1/events?kind=asset&${window}&limit=37`);
		expect(rows).toHaveLength(300);
		expect(new Set(rows.map((r) => r.event_id))).toEqual(new Set([...created, ...changed]));
		expect([...rows].sort(byPosition)).toEqual(rows);
		const newest = await listEvents(historyOf(env), { kind: "asset", since: times[0] }, null, 50, "desc");
		expect(newest.map((r) => r.event_id)).toEqual(
			rows
				.slice(-50)
				.reverse()
				.map((r) => r.event_id),
		);
	});

	it("picks up events received during the walk at its end, having skipped none", async () => {
		const type = `test.pagination.${crypto.randomUUID()}`;
		const first = await insertEvents(type, "k", instants("2203-01-01T00:00:00.000Z", 200, 2));
		let later: string[] = [];
		const { rows } = await walk<{ event_id: string }>(`/v1/events?type=${type}&limit=30`, async (pages) => {
			if (pages === 3) later = await insertEvents(type, "k", instants("2203-06-01T00:00:00.000Z", 50, 2));
		});
		expect(rows.map((r) => r.event_id).sort()).toEqual([...first, ...later].sort());
	});

	it("walks entities of every kind by updated_since as one list, in (updated_at, kind, key) order, ties across kinds and pages included", async () => {
		const times = instants("2208-01-01T00:00:00.000Z", 120, 5);
		const kinds = ["asset", "assignment", "payment_batch", "unclassified"];
		for (const kind of kinds) {
			const keys = times.map((_, i) => `k-${String(i).padStart(3, "0")}`);
			await insertEntities(kind, "completed", keys, times, null);
		}
		const { rows } = await walk<{ kind: string; key: string; updated_at: string }>(
			"/v1/entities?updated_since=2208-01-01T00:00:00Z&limit=7",
		);
		expect(rows).toHaveLength(480);
		expect(new Set(rows.map((r) => `${r.kind}:${r.key}`)).size).toBe(480);
		const position = (r: { kind: string; key: string; updated_at: string }) => [r.updated_at, r.kind, r.key].join(" ");
		expect(rows.map(position)).toEqual(rows.map(position).sort());
	});

	it("walks entities of a kind and status, through a related entity, and by updated_since without gaps or repeats", async () => {
		const status = `status-${crypto.randomUUID()}`;
		const keys = Array.from({ length: 400 }, (_, i) => `${status}-${String(i).padStart(3, "0")}`);
		const related = `fund_class:${status}`;
		await insertEntities(
			"payment_batch",
			status,
			keys.slice(0, 250),
			instants("2204-01-01T00:00:00.000Z", 250, 4),
			related,
		);
		await insertEntities("assignment", status, keys.slice(250), instants("2204-01-01T00:00:00.000Z", 150, 4), related);

		const byStatus = await walk<{ key: string }>(`/v1/entities?kind=payment_batch&status=${status}&limit=23`);
		expect(byStatus.rows.map((r) => r.key).sort()).toEqual(keys.slice(0, 250));
		const byKind = await walk<{ key: string; updated_at: string }>(
			`/v1/entities?kind=assignment&updated_since=2204-01-01T00:00:00Z&limit=19`,
		);
		expect(
			byKind.rows
				.filter((r) => r.key.startsWith(status))
				.map((r) => r.key)
				.sort(),
		).toEqual(keys.slice(250));
		expect(new Set(byKind.rows.map((r) => r.key)).size).toBe(byKind.rows.length);

		const throughLink = await walk<{ kind: string; key: string }>(`/v1/entities?related=${related}&limit=17`);
		expect(throughLink.rows.map((r) => `${r.kind}:${r.key}`)).toEqual([
			...keys.slice(250).map((k) => `assignment:${k}`),
			...keys.slice(0, 250).map((k) => `payment_batch:${k}`),
		]);
		const oneKind = await walk<{ key: string }>(`/v1/entities?kind=payment_batch&related=${related}&limit=31`);
		expect(oneKind.rows.map((r) => r.key)).toEqual(keys.slice(0, 250));
	});

	it("walks every entity updated since a time, across kinds", async () => {
		const status = `status-${crypto.randomUUID()}`;
		const keys = Array.from({ length: 300 }, (_, i) => `${status}-${i}`);
		const times = instants("2900-01-01T00:00:00.000Z", 300, 5);
		await insertEntities("operation", status, keys.slice(0, 150), times.slice(0, 150), null);
		await insertEntities("issuer", status, keys.slice(150), times.slice(150), null);
		const { rows } = await walk<{ key: string; updated_at: string }>(
			`/v1/entities?updated_since=2900-01-01T00:00:00Z&limit=29`,
		);
		const mine = rows.filter((r) => r.key.startsWith(status));
		expect(mine.map((r) => r.key).sort()).toEqual([...keys].sort());
		expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
		expect(rows.map((r) => r.updated_at)).toEqual(rows.map((r) => r.updated_at).sort());
	});

	it("walks the receipts of a time window without gaps or repeats", async () => {
		const times = instants("2205-01-01T00:00:00.000Z", 300, 6);
		const insert = env.HISTORY.prepare(
			"INSERT INTO receipts (id, received_at, outcome, reason, body_size) VALUES (?, ?, 'rejected', ?, 0)",
		);
		const marker = crypto.randomUUID();
		// Six receipts per instant, their ids counting up as the ingress gives them.
		await env.HISTORY.batch(times.map((t, i) => insert.bind(i + 1, t, `${marker}-${i}`)));
		const { rows } = await walk<{ reason: string; id: number }>(
			`/v1/receipts?outcome=rejected&since=2205-01-01T00:00:00Z&until=2205-01-02T00:00:00Z&limit=23`,
		);
		expect(rows.map((r) => r.reason)).toEqual(times.map((_, i) => `${marker}-${i}`));
	});

	it("serves 50 rows by default and at most 500", async () => {
		const type = `test.pagination.${crypto.randomUUID()}`;
		await insertEvents(type, "k", instants("2206-01-01T00:00:00.000Z", 520, 1));
		expect((await lookupOk<Page<unknown>>(`/v1/events?type=${type}`)).data).toHaveLength(50);
		expect((await lookupOk<Page<unknown>>(`/v1/events?type=${type}&limit=500`)).data).toHaveLength(500);
		expect((await lookup(`/v1/events?type=${type}&limit=501`)).status).toBe(400);
	});

	it("answers 400 invalid_request for a cursor that was tampered with or belongs to another list", async () => {
		const type = `test.pagination.${crypto.randomUUID()}`;
		await insertEvents(type, "k", instants("2207-01-01T00:00:00.000Z", 3, 1));
		const events = await lookupOk<Page<unknown>>(`/v1/events?type=${type}&limit=1`);
		const cursor = events.next_cursor as string;
		expect(cursor).toEqual(expect.any(String));
		const related = await lookupOk<Page<unknown>>("/v1/entities?related=fund_class:none&limit=1");
		expect(related.next_cursor).toBeNull();
		const updated = await lookupOk<Page<unknown>>("/v1/entities?updated_since=2000-01-01T00:00:00Z&limit=1");
		for (const path of [
			`/v1/events?type=${type}&cursor=${cursor.slice(0, -2)}`,
			`/v1/events?type=${type}&cursor=not-a-cursor`,
			`/v1/receipts?cursor=${cursor}`,
			`/v1/entities?cursor=${cursor}`,
			`/v1/entities?related=fund_class:x&cursor=${updated.next_cursor}`,
		]) {
			const response = await lookup(path);
			expect(response.status, path).toBe(400);
			const body = await response.json<ErrorBody>();
			expect(body.error.code, path).toBe("invalid_request");
			expect(JSON.stringify(body.error.details), path).toContain("cursor");
		}
	});
});
