// The history the lookups read: a sample of assets through the real webhook route (so their
// ledgers hold their history), the rest of the events written straight into D1.
import { signers } from "./events.mjs";
import { devVars } from "./runtime.mjs";

const SAMPLE_ASSETS = 100;
const ASSETS_PER_ASSIGNMENT = 10;
const FLOW = ["pending_eligibility", "pending_documentation", "pre_approved", "completed"];

function sampleBody(asset, step, status) {
	return JSON.stringify({
		webhook_type: "trade_receivables.asset_status_change",
		webhook_datetime: new Date(Date.UTC(2025, 11, 1, 0, step, asset.index)).toISOString(),
		data: {
			asset_external_id: asset.key,
			asset_new_status: status,
			assignment_external_id: asset.assignment,
			fund_class_key: "sample-fund",
		},
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
				const response = await fetch(`${url}/webhooks/qitech`, {
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

/** Bulk history straight into D1, ids `bulk-<n>`: assets of 25-asset assignments, 4 events each. */
export async function loadBulk(db, from, to) {
	// One statement per chunk: the rows travel as one JSON parameter.
	const insertEvents = db.prepare(
		`INSERT INTO events (event_id, type, entity_kind, entity_key, status, previous_status, occurred_at, received_at, result, anomaly, signature_scheme, binding, payload)
		 SELECT v->>'id', 'trade_receivables.asset_status_change', 'asset', v->>'key', v->>'status', v->>'previous', v->>'at', v->>'at', 'accepted', NULL, 'hmac', 'body', v->>'payload'
		 FROM (SELECT value AS v FROM json_each(?))`,
	);
	const insertEntities = db.prepare(
		`INSERT INTO entities (kind, key, status, occurred_at, updated_at, version, related, anomalies)
		 SELECT 'asset', v->>'key', 'completed', v->>'at', v->>'at', 4, v->>'related', '[]' FROM (SELECT value AS v FROM json_each(?))`,
	);
	const insertLinks = db.prepare(
		"INSERT INTO entity_links (related, kind, key) SELECT v->>'related', 'asset', v->>'key' FROM (SELECT value AS v FROM json_each(?))",
	);
	for (let start = from; start < to; start += 2000) {
		const events = [];
		const entities = [];
		const links = [];
		for (let i = start; i < Math.min(to, start + 2000); i++) {
			const asset = Math.floor(i / FLOW.length);
			const step = i % FLOW.length;
			const key = `bulk-asset-${asset}`;
			const assignment = `bulk-assignment-${Math.floor(asset / 25)}`;
			const at = new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString();
			const data = {
				asset_external_id: key,
				asset_new_status: FLOW[step],
				assignment_external_id: assignment,
				fund_class_key: "bulk-fund",
			};
			const payload = JSON.stringify({
				webhook_type: "trade_receivables.asset_status_change",
				webhook_datetime: at,
				data,
			});
			events.push({
				id: `bulk-${i}`,
				key,
				status: FLOW[step],
				previous: step === 0 ? null : FLOW[step - 1],
				at,
				payload,
			});
			if (step !== FLOW.length - 1) continue;
			entities.push({ key, at, related: JSON.stringify({ assignment, fund_class: "bulk-fund" }) });
			links.push({ related: `assignment:${assignment}`, key }, { related: "fund_class:bulk-fund", key });
		}
		await db.batch([
			insertEvents.bind(JSON.stringify(events)),
			insertEntities.bind(JSON.stringify(entities)),
			insertLinks.bind(JSON.stringify(links)),
		]);
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
