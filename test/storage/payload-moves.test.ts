/** The migration path: payloads still inline in D1 move to R2, a bounded batch at a time, resumably. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { movePayloadsToR2 } from "../../src/storage/payload-moves";
import { lookupOk } from "../api/partner-client";
import { r2WithFailingPuts } from "../support/faults";
import { payloadOfRow } from "../support/webhook";
import { envWith } from "../support/worker";

/** Rows as an older version wrote them: the payload in the row. */
async function legacyRows(payloads: string[]): Promise<string[]> {
	const ids = payloads.map(() => crypto.randomUUID());
	const insert = env.HISTORY.prepare(
		`INSERT INTO events (event_id, type, entity_kind, entity_key, status, previous_status, occurred_at, received_at, result, anomaly, signature_scheme, binding, payload)
		 VALUES (?1, 'trade_receivables.asset_status_change', 'asset', ?2, 'completed', NULL, ?3, ?3, 'accepted', NULL, 'hmac', 'body', ?4)`,
	);
	const at = "2025-03-01T12:00:00.000Z";
	await env.HISTORY.batch(ids.map((id, i) => insert.bind(id, `legacy-${id}`, at, payloads[i])));
	return ids;
}

async function rows(ids: string[]) {
	const { results } = await env.HISTORY.prepare(
		`SELECT rowid AS id, * FROM events WHERE event_id IN (${ids.map(() => "?").join(",")}) ORDER BY rowid`,
	)
		.bind(...ids)
		.all<Record<string, string | number | null>>();
	return results;
}

async function position() {
	return (
		await env.HISTORY.prepare("SELECT position FROM history_jobs WHERE name = 'payloads.move:HISTORY'").first<{
			position: string;
		}>()
	)?.position;
}

async function moveAll(
	bindings: Cloudflare.Env = env,
	limits = { rows: 500, batches: 10, packBytes: 8_000_000, days: 10 },
) {
	for (let i = 0; i < 100; i++) {
		const moved = await movePayloadsToR2(bindings, limits);
		if (moved.HISTORY === 0 && (await position()) === String((await lastRowid()) ?? 0)) return;
	}
}

async function lastRowid() {
	return (await env.HISTORY.prepare("SELECT max(rowid) AS n FROM events").first<{ n: number }>())?.n;
}

const payloadsOf = (n: number) =>
	Array.from({ length: n }, (_, i) => JSON.stringify({ i, nota: `cessão nº ${i} — R$ ${i},00 ✓`, pad: "x".repeat(i) }));

describe("moving inline payloads to R2", () => {
	it("moves them a bounded window at a time, resumes where it stopped, and reads them back byte for byte", async () => {
		await moveAll();
		const payloads = payloadsOf(30);
		const ids = await legacyRows(payloads);
		const before = await rows(ids);

		await movePayloadsToR2(env, { rows: 10, batches: 1, packBytes: 8_000_000, days: 10 });
		let after = await rows(ids);
		expect(after.filter((r) => r.payload_key !== null)).toHaveLength(10);
		expect(after.slice(0, 10).every((r) => r.payload === "" && r.payload_key !== null)).toBe(true);
		expect(await position()).toBe(String(before[9].id));

		await moveAll(env, { rows: 10, batches: 1, packBytes: 8_000_000, days: 10 });
		after = await rows(ids);
		expect(after.every((r) => r.payload === "" && r.payload_key !== null)).toBe(true);
		expect(new Set(after.map((r) => r.payload_key)).size).toBe(3);
		expect(await Promise.all(after.map(payloadOfRow))).toEqual(payloads);
		for (const [i, id] of ids.entries()) {
			expect((await lookupOk<{ payload: string }>(`/v1/events/${id}`)).payload).toBe(payloads[i]);
		}
	});

	it("splits a window whose payloads exceed a pack's budget, and moves nothing twice", async () => {
		await moveAll();
		const payloads = payloadsOf(6).map((p) => p.replace('"pad":"', `"pad":"${"ç".repeat(2_000)}`));
		const ids = await legacyRows(payloads);
		await moveAll(env, { rows: 500, batches: 1, packBytes: 20_000, days: 10 });
		const after = await rows(ids);
		expect(new Set(after.map((r) => r.payload_key)).size).toBe(3);
		expect(await Promise.all(after.map(payloadOfRow))).toEqual(payloads);
		await movePayloadsToR2(env);
		expect(await rows(ids)).toEqual(after);
	});

	it("leaves payloads up to PAYLOADS_INLINE_MAX_BYTES in their rows", async () => {
		await moveAll();
		const [small, big] = ['{"a":1}', `{"b":"${"é".repeat(100)}"}`];
		const ids = await legacyRows([small, big]);
		await moveAll(envWith({ PAYLOADS_INLINE_MAX_BYTES: "100" }));
		const [first, second] = await rows(ids);
		expect(first).toMatchObject({ payload: small, payload_key: null });
		expect(second).toMatchObject({ payload: "", payload_length: 208 });
	});

	it("moves nothing and keeps its position while R2 fails", async () => {
		await moveAll();
		const kept = await position();
		const ids = await legacyRows(payloadsOf(3));
		const failing = r2WithFailingPuts(env.PAYLOADS as R2Bucket);
		await expect(movePayloadsToR2(envWith({ PAYLOADS: failing }))).rejects.toThrow(/R2 unavailable/);
		expect((await rows(ids)).every((r) => r.payload_key === null && r.payload !== "")).toBe(true);
		expect(await position()).toBe(kept);
		await moveAll();
		expect((await rows(ids)).every((r) => r.payload_key !== null)).toBe(true);
	});
});
