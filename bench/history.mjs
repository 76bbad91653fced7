// The history the lookups read: a sample of assets through the real webhook route (so their
// ledgers hold their history), the rest of the events written straight into D1.
import { eventBody, mainPath, typeOf } from "../simulator/qitech/examples.ts";
import { WEBHOOK_PATH } from "../src/ingress/webhook-path.ts";
import { entityListQuery, entityRanges } from "../src/storage/entity-lookups.ts";
import { eventListQuery, eventRanges } from "../src/storage/event-lookups.ts";
import { signers } from "./events.mjs";
import { devVars } from "./runtime.mjs";

const SAMPLE_ASSETS = 100;
const ASSETS_PER_ASSIGNMENT = 10;
const FLOW = mainPath("asset");

function sampleBody(asset, step, status) {
	return eventBody({
		type: typeOf("asset", status),
		key: asset.key,
		status,
		at: new Date(Date.UTC(2025, 11, 1, 0, step, asset.index)).toISOString(),
		links: { assignment: asset.assignment },
	});
}

/**
 * Sends the sample, bare-HMAC signed, to the receiver and to the floor (whose entity lookup is
 * the floor of the receiver's); waits until D1 holds it. Returns the assets and the receiver's answers.
 */
export async function ingestSample(urls, db) {
	const sign = signers(devVars).hmac;
	const assets = Array.from({ length: SAMPLE_ASSETS }, (_, index) => ({
		index,
		key: `sample-asset-${index}`,
		assignment: `sample-assignment-${Math.floor(index / ASSETS_PER_ASSIGNMENT)}`,
	}));
	const answers = [];
	for (const asset of assets) {
		for (const [step, status] of FLOW.entries()) {
			const body = sampleBody(asset, step, status);
			for (const url of [urls.receiver, urls.floor]) {
				const response = await fetch(`${url}${WEBHOOK_PATH}`, {
					method: "POST",
					body,
					headers: { "content-type": "application/json", ...sign(body) },
				});
				const text = await response.text();
				if (response.status !== 200) throw new Error(`the sample webhook answered ${response.status}: ${text}`);
				if (url === urls.receiver) answers.push(text);
			}
		}
	}
	const expected = SAMPLE_ASSETS * FLOW.length;
	for (let i = 0; i < 300 && (await countEvents(db)) < expected; i++) await new Promise((r) => setTimeout(r, 100));
	if ((await countEvents(db)) < expected) throw new Error("the queue consumer did not write the sample to D1");
	return { assets, answers };
}

export async function countEvents(db) {
	return (await db.prepare("SELECT count(*) AS n FROM events").first()).n;
}

/**
 * Bulk history straight into D1, ids `bulk-<n>`: assets of 25-asset assignments, 4 events each,
 * one second apart from 2025-01-01, their payloads referenced in R2 packs as the consumer writes
 * them (never read by the lookups). SQLite generates the rows itself (a recursive CTE), 50,000 a
 * statement: 10⁶ events load in about a minute where shipping them as JSON took several.
 */
export async function loadBulk(db, from, to) {
	const at = "strftime('%Y-%m-%dT%H:%M:%fZ', 1735689600 + i, 'unixepoch')";
	const status = (step) =>
		`CASE ${step} % 4 WHEN 0 THEN 'pending_eligibility' WHEN 1 THEN 'pending_documentation' WHEN 2 THEN 'pre_approved' ELSE 'completed' END`;
	const previous = `CASE i % 4 WHEN 0 THEN NULL ELSE ${status("(i - 1)")} END`;
	const asset = "'bulk-asset-' || (i / 4)";
	const assignment = "'bulk-assignment-' || (i / 100)";
	const range = "WITH RECURSIVE n(i) AS (SELECT CAST(?1 AS INTEGER) UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?2)";
	const events = db.prepare(
		`${range} INSERT INTO events (event_id, type, entity_kind, entity_key, status, previous_status, occurred_at, received_at, result, anomaly, signature_scheme, binding, payload, payload_key, payload_offset, payload_length)
		 SELECT 'bulk-' || i, 'trade_receivables.asset_status_change', 'asset', ${asset}, ${status("i")}, ${previous}, ${at}, ${at}, 'accepted', NULL, 'hmac', 'body', '',
		 'payloads/2025-01-01/' || printf('%032x', i / 100), (i % 100) * 200, 190 FROM n`,
	);
	// An entity per asset, once its last step is in: i runs over the events, so every fourth one.
	const entities = db.prepare(
		`${range} INSERT INTO entities (kind, key, status, occurred_at, updated_at, version, related, anomalies)
		 SELECT 'asset', ${asset}, 'completed', ${at}, ${at}, 4, json_object('assignment', ${assignment}, 'fund_class', 'bulk-fund'), '[]' FROM n WHERE i % 4 = 3`,
	);
	const links = db.prepare(
		`${range} INSERT INTO entity_links (related, kind, key)
		 SELECT 'assignment:' || ${assignment}, 'asset', ${asset} FROM n WHERE i % 4 = 3
		 UNION ALL SELECT 'fund_class:bulk-fund', 'asset', ${asset} FROM n WHERE i % 4 = 3`,
	);
	for (let start = from; start < to; start += 50_000) {
		const end = Math.min(to, start + 50_000);
		await db.batch([events.bind(start, end), entities.bind(start, end), links.bind(start, end)]);
	}
}

/** A page deep in the list: keyset pagination costs the same there as on the first page. */
export async function cursorHalfWay(url, partnerKey, loaded) {
	const middle = new Date(Date.UTC(2025, 0, 1) + (loaded / 2) * 1000).toISOString();
	const response = await fetch(`${url}/v1/events?kind=asset&status=completed&since=${middle}&limit=1`, {
		headers: { authorization: `Bearer ${partnerKey}` },
	});
	const { next_cursor } = await response.json();
	return `/v1/events?kind=asset&status=completed&limit=50&cursor=${encodeURIComponent(next_cursor)}`;
}

/**
 * The D1 rows one page of each D1 lookup reads at this size (D1 bills rows read; the partner API's
 * own queries report none to the meters, see docs/PERFORMANCE.md): the same queries, run directly.
 */
export async function pageRowsRead(db, loaded) {
	const middle = new Date(Date.UTC(2025, 0, 1) + (loaded / 2) * 1000).toISOString();
	const events = { kind: "asset", status: "completed" };
	const updated = { updatedSince: "2025-01-01T00:00:00.000Z" };
	const queries = {
		"entities-related": [entityListQuery(db, { kind: "asset", related: "assignment:sample-assignment-3" }, null, 51)],
		events: [eventListQuery(db, events, null, 51)],
		"events-cursor": [eventListQuery(db, events, [middle, "bulk-"], 51)],
		"events-kind": eventRanges({ kind: "asset" }).map((range) => eventListQuery(db, range, null, 51)),
		"entities-updated": entityRanges(updated).map((range) => entityListQuery(db, range, null, 51)),
	};
	const read = {};
	for (const [id, ranges] of Object.entries(queries)) {
		read[id] = 0;
		for (const query of ranges) {
			const { sql, params } = query.toSQL();
			read[id] += (
				await db
					.prepare(sql)
					.bind(...params)
					.all()
			).meta.rows_read;
		}
	}
	return read;
}
