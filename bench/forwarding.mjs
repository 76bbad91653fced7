// The `mix-forwarding` scenario's destinations: created on the receiver through its admin API
// before the scenario's runs and removed after them, both pointing at the stand-in partner
// (bench/baselines/partner.ts); when every delivery to them is delivered; and the verdict: each
// delivered once, the ordered destination's events of each entity in sequence order.
import { DELIVERY_OUTCOMES } from "../src/storage/delivery-schema.ts";
import { ADMIN_KEY } from "./runtime.mjs";

const headers = { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" };

/** Ordered by entity, on the partner's path that refuses every first attempt; and an ordinary one. */
const DESTINATIONS = [
	{ path: "/ordered", ordering: "entity" },
	{ path: "/plain", ordering: "none" },
];

/** After a load, how long to wait at most for every delivery to be delivered. */
const DRAIN_MAX_MS = 300_000;
const POLL_MS = 500;

const UNDONE = DELIVERY_OUTCOMES.filter((o) => o !== "delivered");

async function admin(url, method, body) {
	const response = await fetch(url, { method, headers, body: body && JSON.stringify(body) });
	if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${await response.text()}`);
	return response.status === 204 ? null : response.json();
}

/** Deliveries to these destinations not delivered yet (pending, blocked, failed, dead, …). */
async function undelivered(db, ids) {
	const statement = `SELECT count(*) AS n FROM deliveries
		WHERE outcome IN (${UNDONE.map(() => "?").join(", ")}) AND destination_id IN (?, ?)`;
	return (
		await db
			.prepare(statement)
			.bind(...UNDONE, ...ids)
			.first()
	).n;
}

/**
 * Runs `series({ settled, drain })` with the destinations in place: `settled` tells whether
 * every delivery is delivered (so a run starts and ends with none owed), `drain` waits for it
 * after a load and answers how long that took (null: not within DRAIN_MAX_MS). Returns the
 * verdict, with each drain's milliseconds.
 */
export async function withForwarding({ urls, db }, series) {
	const ids = [];
	const drains = [];
	try {
		for (const { path, ordering } of DESTINATIONS) {
			const body = { url: `${urls.partner}${path}`, event_types: ["*"], ordering };
			ids.push((await admin(`${urls.receiver}/v1/destinations`, "POST", body)).id);
		}
		const settled = async () => (await undelivered(db, ids)) === 0;
		const drain = async () => {
			const started = Date.now();
			let done = await settled();
			while (!done && Date.now() - started < DRAIN_MAX_MS) {
				await new Promise((r) => setTimeout(r, POLL_MS));
				done = await settled();
			}
			drains.push(done ? Date.now() - started : null);
			return drains.at(-1);
		};
		await series({ settled, drain });
		const found = await verdict(urls, db, ids);
		return { drain_ms: drains, ...found, ok: found.ok && !drains.includes(null) };
	} finally {
		for (const id of ids) await admin(`${urls.receiver}/v1/destinations/${id}`, "DELETE");
	}
}

/** The deliveries in D1 by destination and outcome, next to what the partner received. */
async function verdict(urls, db, [ordered, plain]) {
	const { results } = await db
		.prepare(
			`SELECT destination_id, outcome, count(*) AS n, sum(attempts) AS attempts FROM deliveries
			 WHERE destination_id IN (?, ?) GROUP BY destination_id, outcome`,
		)
		.bind(ordered, plain)
		.all();
	const partner = await (await fetch(`${urls.partner}/__bench/received`)).json();
	const side = (id, path) => {
		const rows = results.filter((r) => r.destination_id === id);
		const outcomes = Object.fromEntries(rows.map((r) => [r.outcome, r.n]));
		const attempts = rows.reduce((sum, r) => sum + r.attempts, 0);
		const received = partner.endpoints[path] ?? { requests: 0, refused: 0, accepted: 0, repeated: 0 };
		const delivered = outcomes.delivered ?? 0;
		const ok = Object.keys(outcomes).every((o) => o === "delivered") && received.accepted === delivered;
		return { deliveries: outcomes, attempts, partner: received, ok };
	};
	const sides = { ordered: side(ordered, "/ordered"), plain: side(plain, "/plain") };
	return {
		...sides,
		ordered_entities: partner.ordered_entities,
		out_of_order: partner.out_of_order,
		ok: sides.ordered.ok && sides.plain.ok && partner.out_of_order.count === 0,
	};
}

/** The verdict in words: how long the deliveries took after each load, and whether they came in order. */
export function forwardingLines({ id, forwarding: f }) {
	const drains = f.drain_ms.map((ms) => (ms === null ? "not within the bound" : `${(ms / 1000).toFixed(1)} s`));
	const side = ({ deliveries, attempts, partner }) =>
		`${JSON.stringify(deliveries)} in ${attempts} attempts; the partner accepted ${partner.accepted}, refused ${partner.refused}, accepted again ${partner.repeated}`;
	const late = f.out_of_order.count ? `: ${JSON.stringify(f.out_of_order.first)}` : "";
	return [
		`${f.ok ? "forwarded" : "FORWARDING FAILED"} ${id}: every delivery delivered ${drains.join(", ")} after the load`,
		`  ordered by entity: ${side(f.ordered)}; ${f.ordered_entities} entities, ${f.out_of_order.count} events out of sequence order${late}`,
		`  plain: ${side(f.plain)}`,
	].join("\n");
}
