import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const db = env.UPGRADED_HISTORY;
const before = env.TEST_MIGRATIONS.filter((m) => m.name < "0018");

const rows = async (query: string) => (await db.prepare(query).all()).results;

describe("migration 0018 (receipts, entities and links WITHOUT ROWID)", () => {
	it("keeps every receipt, entity and link of a history that already holds them", async () => {
		await applyD1Migrations(db, before);
		await db.batch([
			db.prepare(
				`INSERT INTO receipts (received_at, outcome, reason, event_id, body_size, count, client_ips)
				VALUES ('2026-11-30T10:00:00.000Z', 'accepted', NULL, 'e-1', 120, 1, NULL),
					('2026-11-30T10:00:00.000Z', 'duplicate', NULL, 'e-1', 120, 1, NULL),
					('2026-11-29T08:00:00.000Z', 'suppressed', 'invalid_signature', NULL, 0, 40, '["192.0.2.1"]')`,
			),
			db.prepare(
				`INSERT INTO entities (kind, key, status, occurred_at, updated_at, version, related, anomalies)
				VALUES ('asset', 'A-1', 'paid', '2026-11-30T09:00:00.000Z', '2026-11-30T10:00:00.000Z', 3,
					'{"assignment":"B-1"}', '[]')`,
			),
			db.prepare("INSERT INTO entity_links (related, kind, key) VALUES ('assignment:B-1', 'asset', 'A-1')"),
		]);
		const receipts = await rows("SELECT * FROM receipts ORDER BY id");
		const entities = await rows("SELECT * FROM entities");
		const links = await rows("SELECT * FROM entity_links");

		await applyD1Migrations(db, env.TEST_MIGRATIONS);

		expect(await rows("SELECT * FROM receipts ORDER BY id")).toEqual(receipts);
		expect(await rows("SELECT * FROM entities")).toEqual(entities);
		expect(await rows("SELECT * FROM entity_links")).toEqual(links);
		const tables = await rows(
			"SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%WITHOUT ROWID' ORDER BY name",
		);
		expect(tables).toEqual([{ name: "entities" }, { name: "entity_links" }, { name: "receipts" }]);
		const indexes = await rows(
			"SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('receipts', 'entities', 'entity_links') AND sql IS NOT NULL ORDER BY name",
		);
		expect(indexes.map((i) => i.name)).toEqual([
			"entities_by_kind",
			"entities_by_status",
			"entity_links_by_entity",
			"receipts_by_outcome",
			"receipts_duplicates",
		]);
	});
});
