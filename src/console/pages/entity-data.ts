/**
 * What the entity page reads: one ledger call (the entity and a page of its history, so an event
 * answered 200 a moment ago is there), then one D1 batch (the page's deliveries, their attempts,
 * each event's resends, the entities that belong to this one, the destinations' URLs), and the
 * payload asked for.
 */

import { drizzle } from "drizzle-orm/d1";
import type { Identity } from "../../api/auth";
import { LINKS } from "../../api/schemas";
import { mayRead } from "../../api/scopes";
import { entityName } from "../../catalog/event";
import type { Env } from "../../env";
import { ApiError } from "../../errors";
import { indentJson } from "../../json-text";
import type { HistoryPage } from "../../ledger/entity-ledger";
import { ledgerOf } from "../../ledger/ledger-of";
import { log } from "../../logger";
import type { EntityState } from "../../model";
import type { Attempt, Delivery } from "../../storage/deliveries";
import { attemptsOfEventsQuery, deliveriesOfEventsQuery, destinationUrlsQuery } from "../../storage/delivery-lookups";
import { entityListQuery } from "../../storage/entity-lookups";
import { eventById } from "../../storage/event-lookups";
import { fromEntityRow } from "../../storage/event-rows";
import { duplicatesOfEventsQuery } from "../../storage/overview-lookups";
import { historyOf } from "../../storage/partitions";
import { readPayload } from "../../storage/payloads";

export const HISTORY_PAGE = 50;
const MEMBERS_SHOWN = 50;

export interface EntityData {
	kind: string;
	key: string;
	page: HistoryPage;
	deliveries: Delivery[];
	attempts: Attempt[];
	resends: Map<string, number>;
	members: EntityState[];
	/** Each destination's id and URL (for admins; a partner sees ids). */
	destinations: { id: string; url: string }[];
	/** The payload asked for (`?event=`): its text, "not yet" (not in D1 yet), "no scope", or null when none was asked. */
	payload: { eventId: string; body: string | null; refused: boolean } | null;
}

export async function entityData(
	env: Env,
	identity: Identity,
	kind: string,
	key: string,
	before: string | null,
	openEvent: string | null,
): Promise<EntityData> {
	if (!mayRead(identity, kind)) throw new ApiError("not_found", `no ${kind} with key ${key}`);
	const page = await snapshotOf(env, entityName(kind, key), before);
	if (!page) throw new ApiError("not_found", `no ${kind} with key ${key}`);
	const ids = page.history.map((e) => e.event_id);
	const asked = openEvent !== null && ids.includes(openEvent) ? openEvent : null;
	const related = LINKS.includes(kind) ? `${kind}:${key}` : "-";
	const [[deliveries, attempts, resends, members, urls], payload] = await Promise.all([
		drizzle(env.HISTORY).batch([
			deliveriesOfEventsQuery(env.HISTORY, ids),
			attemptsOfEventsQuery(env.HISTORY, ids),
			duplicatesOfEventsQuery(env.HISTORY, ids),
			entityListQuery(env.HISTORY, { related }, null, MEMBERS_SHOWN),
			destinationUrlsQuery(env.HISTORY),
		]),
		asked && identity.payloads ? payloadOfEvent(env, asked) : null,
	]);
	const destinations = identity.role === "admin" ? urls : [];
	return {
		kind,
		key,
		page,
		deliveries,
		attempts: attempts.sort((a, b) => a.destination_id.localeCompare(b.destination_id) || a.attempt - b.attempt),
		resends: new Map(resends.map((r) => [r.event_id ?? "", r.resends])),
		members: members.map(fromEntityRow).filter((m) => mayRead(identity, m.kind)),
		destinations,
		payload: asked ? { eventId: asked, body: payload ?? null, refused: !identity.payloads } : null,
	};
}

async function snapshotOf(env: Env, entity: string, before: string | null): Promise<HistoryPage | null> {
	try {
		return await ledgerOf(env, entity).snapshot(HISTORY_PAGE, before);
	} catch (err) {
		log("error", { message: "ledger unavailable for the console", entity, error: String(err) });
		throw new ApiError("unavailable", "the entity could not be read; retry later", undefined, { "Retry-After": "1" });
	}
}

/** Indented when it is JSON (its text as received, re-indented: see json-text.ts), as received otherwise. */
export function prettyPayload(body: string): string {
	try {
		JSON.parse(body);
	} catch {
		return body;
	}
	return indentJson(body);
}

/** The payload of one event as received (from R2 when it is there), or null once expired. */
async function payloadOfEvent(env: Env, eventId: string): Promise<string | null> {
	const row = await eventById(historyOf(env), eventId);
	return row ? readPayload(env, row) : null;
}
