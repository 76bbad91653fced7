// Streams of webhooks for the ingestion scenarios. Each stream is endless and uses keys
// fresh to this process, so every run of every worker sees events new to it.
import { randomUUID } from "node:crypto";
import { eventBody, mainPath, typeOf } from "../simulator/qitech/examples.ts";
import { ENTITY_KINDS, ENVELOPES, EVENT_TYPES } from "../src/catalog/catalog.ts";
import { entityName } from "../src/catalog/event.ts";
import { eventIdOf, unclassifiedOf } from "./events.mjs";

const eventTime = (lane, step) => new Date(Date.UTC(2026, 0, 1) + lane * 60_000 + step * 1000).toISOString();

const noDrift = () => null;

/**
 * One webhook: `{ body, id, entity }`, id being the event_id the receiver will answer. `drift`
 * may make it stray from QI Tech's documented contract (`drifting`).
 */
function stepBody(lane, step, drift = noDrift) {
	const status = lane.path[step];
	const event = {
		type: typeOf(lane.kind, status),
		key: lane.key,
		status,
		at: eventTime(lane.index, step),
		links: lane.links,
	};
	const strayed = drift(event.type);
	if (strayed?.what === "status") event.status = strayed.name;
	if (strayed?.what === "field") event.extra = { [strayed.name]: "undocumented" };
	const body = eventBody(event);
	if (strayed?.what === "type") return ofUnknownType(body, event.type, strayed.name);
	return { body, id: eventIdOf(event), entity: entityName(lane.kind, lane.key) };
}

/** The body under a type outside the catalog, which the receiver files under an entity of its own. */
function ofUnknownType(body, type, name) {
	const envelope = JSON.parse(body);
	envelope[ENVELOPES[EVENT_TYPES[type].envelope].type] = name;
	const text = JSON.stringify(envelope);
	return { body: text, ...unclassifiedOf(text) };
}

/** Shares of the new steps that stray from the documented contract, by how. */
const DRIFT_SHARES = { field: 0.05, status: 0.01, type: 0.005 };
/** Each new field, status or type name is sent this many times per type: one alert opened, the rest counted on it. */
const DRIFT_NAME_USES = 4;

/**
 * Contract drift as QI Tech might send it unannounced: 5% of the steps carry a field in `data`
 * that its examples lack, 1% a status the flow does not document, 0.5% a type outside the
 * catalog. Names are fresh to each stream (each run), so every run opens as many alerts.
 */
function drifting(random) {
	const tag = randomUUID().slice(0, 8);
	// Counted per type: a field's or a status's alert is per type and name.
	const uses = new Map();
	return (type) => {
		let r = random();
		for (const [what, share] of Object.entries(DRIFT_SHARES)) {
			if (r < share) {
				const n = uses.get(`${what}:${type}`) ?? 0;
				uses.set(`${what}:${type}`, n + 1);
				return { what, name: `drift_${what}_${tag}_${Math.floor(n / DRIFT_NAME_USES)}` };
			}
			r -= share;
		}
		return null;
	};
}

/** Every event opens a new entity: the first step of each kind's flow, kinds in turn. */
export function* uniqueEvents() {
	for (let i = 0; ; i++) {
		const kind = ENTITY_KINDS[i % ENTITY_KINDS.length];
		yield stepBody({ kind, key: randomUUID(), path: mainPath(kind), index: i, links: {} }, 0);
	}
}

/** One event, over and over: after the first, the duplicate path. */
export function* oneEvent() {
	const webhook = stepBody({ kind: "asset", key: randomUUID(), path: mainPath("asset"), index: 0, links: {} }, 0);
	for (;;) yield webhook;
}

/** Assets dominate QI Tech traffic (many per assignment batch); every other kind runs too. */
const LANE_KINDS = [...ENTITY_KINDS, "asset", "asset", "asset"];
const ACTIVE_LANES = 48;
const RESEND_SHARE = 0.1;
const LATE_SHARE = 0.05;

/**
 * The realistic mix: 48 entities at a time move along their documented flows (all ten types),
 * interleaved; 10% of the webhooks are resends of a recent one, and 5% of the steps arrive
 * after the next step of the same entity (out of order, so the older one is stale).
 */
export function* mixedEvents(random = Math.random, drift = noDrift) {
	let lanes = 0;
	const newLane = () => {
		const kind = LANE_KINDS[lanes % LANE_KINDS.length];
		const assignment = `bench-assignment-${Math.floor(lanes / 20)}`;
		return {
			kind,
			key: randomUUID(),
			path: mainPath(kind),
			index: lanes++,
			step: 0,
			late: null,
			links: kind === "asset" ? { assignment } : {},
		};
	};
	const active = Array.from({ length: ACTIVE_LANES }, newLane);
	const recent = [];
	const counts = { sent: 0, resends: 0, late: 0 };
	for (;;) {
		let webhook;
		if (recent.length > 0 && counts.resends < RESEND_SHARE * counts.sent) {
			webhook = recent[Math.floor(random() * recent.length)];
			counts.resends++;
		} else {
			webhook = nextStep(active, random, counts, newLane, drift);
			recent.push(webhook);
			if (recent.length > 256) recent.shift();
		}
		counts.sent++;
		yield webhook;
	}
}

/** The mix, with contract drift in a share of its steps (`drifting`). */
export const driftingEvents = (random = Math.random) => mixedEvents(random, drifting(random));

function nextStep(active, random, counts, newLane, drift) {
	const wantLate = counts.late < LATE_SHARE * counts.sent;
	const candidates = wantLate ? active.filter((l) => l.late === null && l.step + 1 < l.path.length) : [];
	const lane =
		candidates.length > 0
			? candidates[Math.floor(random() * candidates.length)]
			: active[Math.floor(random() * active.length)];
	let webhook;
	if (lane.late !== null) {
		webhook = stepBody(lane, lane.late, drift); // the step that was held back: now older than the state
		lane.late = null;
	} else if (candidates.includes(lane)) {
		lane.late = lane.step;
		webhook = stepBody(lane, lane.step + 1, drift);
		lane.step += 2;
		counts.late++;
	} else {
		webhook = stepBody(lane, lane.step++, drift);
	}
	if (lane.late === null && lane.step >= lane.path.length) active[active.indexOf(lane)] = newLane();
	return webhook;
}
