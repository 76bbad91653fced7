/**
 * What the entity page reads: one ledger call (the entity and a page of its history, so an event
 * answered 200 a moment ago is there), then from D1 the page's deliveries, their attempts, each
 * event's resends, the entities that belong to this one, the destinations, and the payload asked for.
 */
import type { Identity } from "../../api/auth";
import { LINKS } from "../../api/schemas";
import { mayRead } from "../../api/scopes";
import { entityName } from "../../catalog/event";
import type { Env } from "../../env";
import { ApiError } from "../../errors";
import type { HistoryPage } from "../../ledger/entity-ledger";
import { ledgerOf } from "../../ledger/ledger-of";
import { log } from "../../logger";
import type { EntityState } from "../../model";
import type { Attempt, Delivery } from "../../storage/deliveries";
import { attemptsOfEventsQuery, deliveriesOfEventsQuery } from "../../storage/delivery-lookups";
import { type Destination, listDestinations } from "../../storage/destinations";
import { listEntities } from "../../storage/entity-lookups";
import { eventById } from "../../storage/event-lookups";
import { duplicatesOfEventsQuery } from "../../storage/overview-lookups";

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
	destinations: Destination[];
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
	const [deliveries, attempts, resends, members, destinations, payloadRow] = await Promise.all([
		ids.length ? deliveriesOfEventsQuery(env.HISTORY, ids) : [],
		ids.length ? attemptsOfEventsQuery(env.HISTORY, ids) : [],
		ids.length ? duplicatesOfEventsQuery(env.HISTORY, ids) : [],
		LINKS.includes(kind) ? listEntities(env.HISTORY, { related: `${kind}:${key}` }, null, MEMBERS_SHOWN) : [],
		identity.role === "admin" ? listDestinations(env.HISTORY) : [],
		asked && identity.payloads ? eventById(env.HISTORY, asked) : null,
	]);
	return {
		kind,
		key,
		page,
		deliveries,
		attempts: attempts.sort((a, b) => a.destination_id.localeCompare(b.destination_id) || a.attempt - b.attempt),
		resends: new Map(resends.map((r) => [r.event_id ?? "", r.resends])),
		members: members.filter((m) => mayRead(identity, m.kind)),
		destinations,
		payload: asked ? { eventId: asked, body: payloadRow?.payload ?? null, refused: !identity.payloads } : null,
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

/** Pretty-printed when it is JSON; as received otherwise. */
export function prettyPayload(body: string): string {
	try {
		return JSON.stringify(JSON.parse(body), null, 2);
	} catch {
		return body;
	}
}
