/**
 * What a key's scopes allow: the entity kinds it reads (lists must stay within them) and whether
 * it sees QI Tech's payloads, which carry CPF/CNPJ and bank data.
 */
import { type AnyKind, EVENT_TYPES, isEventType, UNCLASSIFIED } from "../catalog/catalog";
import type { Env } from "../env";
import { ApiError } from "../errors";
import { eventById } from "../storage/event-lookups";
import { historyOf } from "../storage/partitions";
import type { Identity } from "./auth";
import { invalidRequest } from "./validation";

export function mayRead(identity: Identity, kind: string): boolean {
	return identity.kinds === null || identity.kinds.includes(kind as AnyKind);
}

/**
 * The history's row of an event this key may read; 404 otherwise. Another kind's event is as
 * unknown as a missing one: saying it exists would tell of an entity the key may not see.
 */
export async function readableEvent(env: Env, identity: Identity, eventId: string) {
	const row = await eventById(historyOf(env), eventId);
	if (!row || !mayRead(identity, row.entity_kind)) throw new ApiError("not_found", `no recorded event ${eventId}`);
	return row;
}

/** The kind a list is limited to for this key: the one asked for, or the key's only kind. */
export function listKind(identity: Identity, requested: AnyKind | undefined): AnyKind | undefined {
	if (identity.kinds === null) return requested;
	if (requested !== undefined) {
		if (!mayRead(identity, requested)) throw forbiddenKind(identity, requested);
		return requested;
	}
	if (identity.kinds.length === 1) return identity.kinds[0];
	throw invalidRequest("kind", `this key reads only ${identity.kinds.join(", ")}: pass kind`);
}

/** The kind an event type belongs to (a type outside the catalog: unclassified). */
export function kindOfType(type: string): AnyKind {
	return isEventType(type) ? EVENT_TYPES[type].kind : UNCLASSIFIED;
}

export function requireEveryKind(identity: Identity, what: string): void {
	if (identity.kinds !== null) throw new ApiError("forbidden", `${what} needs a key not limited to some kinds`);
}

export function forbiddenKind(identity: Identity, kind: string): ApiError {
	return new ApiError("forbidden", `this key may not read ${kind}; it reads ${identity.kinds?.join(", ")}`);
}
