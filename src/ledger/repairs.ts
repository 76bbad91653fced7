/**
 * An admin's repair of an entity's ledger, through the API or the console alike: release or
 * discard a quarantined event, or record a correction. Each is kept in the history with who did
 * it (`by`: the key's or the person's label) and why; refusals are ApiErrors saying why.
 */
import { entityName } from "../catalog/event";
import type { Env } from "../env";
import { ApiError } from "../errors";
import type { EntityState, RecordedEvent } from "../model";
import type { RepairOutcome } from "./entity-ledger";
import { ledgerOf } from "./ledger-of";

export type RepairRequest =
	| { action: "release"; eventId: string }
	| { action: "discard"; eventId: string; reason: string }
	| { action: "correct"; status: string; reason: string };

export async function repairLedger(
	env: Pick<Env, "ENTITY_LEDGER">,
	kind: string,
	key: string,
	by: string,
	request: RepairRequest,
): Promise<{ event: RecordedEvent; entity: EntityState | null }> {
	let outcome: RepairOutcome;
	try {
		const ledger = ledgerOf(env, entityName(kind, key));
		if (request.action === "release") outcome = await ledger.release(request.eventId, by);
		else if (request.action === "discard") outcome = await ledger.discard(request.eventId, by, request.reason);
		else outcome = await ledger.correct(request.status, by, request.reason);
	} catch {
		throw new ApiError("unavailable", "the entity's ledger could not be reached; retry later", undefined, {
			"Retry-After": "1",
		});
	}
	if (outcome.ok) return { event: outcome.event, entity: outcome.entity };
	if (outcome.error === "not_quarantined") throw new ApiError("conflict", outcome.message);
	if (outcome.error === "unknown_status") throw new ApiError("invalid_request", outcome.message);
	throw new ApiError("not_found", outcome.message);
}
