/**
 * `ingestion.history_lag`: events answered "accepted" that are still not in the D1 history a few
 * minutes later, so the ledger's outbox or the events Queue is stuck, or a message was lost.
 * Found from the receipts of accepted webhooks (which name their entity, hence the ledger that
 * holds each event). The same sweep re-drives them from their ledgers (a bounded number a run),
 * so what a ledger thinks delivered but D1 lacks (a restored database, say) heals too, and the
 * alert resolves; a ledger's own backstop covers what it never saw confirmed.
 */
import type { Env } from "../env";
import { ledgerOf } from "../ledger/ledger-of";
import { type MissingReceipt, missingHistoryQuery } from "../storage/alert-conditions";
import { fingerprintOf, tally } from "./alert";
import { raise, resolve } from "./lifecycle";

/** Normally an event is in D1 within seconds of its answer. */
export const HISTORY_LAG_MS = 3 * 60_000;
/** Older receipts are not looked at: a lost event stays reported for this long. */
export const HISTORY_LOOKBACK_MS = 60 * 60_000;
/** Receipts looked at per run (newest first), to bound the read in a busy hour. */
const SCANNED_PER_RUN = 10_000;
const MISSING_PER_RUN = 500;
const REDRIVEN_PER_RUN = 100;

/** Receipts of accepted events received between the lookback and the lag before `now` whose event is not in D1. */
export function missingHistory(db: D1Database, now: Date, limit = MISSING_PER_RUN): Promise<MissingReceipt[]> {
	const since = new Date(now.getTime() - HISTORY_LOOKBACK_MS).toISOString();
	const until = new Date(now.getTime() - HISTORY_LAG_MS).toISOString();
	return missingHistoryQuery(db, since, until, SCANNED_PER_RUN, limit);
}

export async function sweepHistoryLag(env: Env, now: Date): Promise<Record<string, number>> {
	const missing = await missingHistory(env.HISTORY, now);
	const subject = "history";
	const redriven = await redrive(env, missing.slice(0, REDRIVEN_PER_RUN));
	if (missing.length === 0) {
		return { missing: 0, ...tally(await resolve(env, [fingerprintOf("ingestion.history_lag", subject)], now)) };
	}
	const details = {
		missing: missing.length,
		at_least: missing.length === MISSING_PER_RUN,
		example_event_id: missing[0].event_id,
		oldest_received_at: missing.map((r) => r.received_at).sort()[0],
	};
	return {
		missing: missing.length,
		redriven,
		...tally(await raise(env, [{ kind: "ingestion.history_lag", subject, details }], now)),
	};
}

/** Puts each event back in its ledger's outbox; how many ledgers still had theirs. */
async function redrive(env: Env, missing: MissingReceipt[]): Promise<number> {
	const results = await Promise.allSettled(
		missing
			.filter(
				(r): r is MissingReceipt & { entity: string; event_id: string } => r.entity !== null && r.event_id !== null,
			)
			.map((r) => ledgerOf(env, r.entity).requeue(r.event_id, 0)),
	);
	return results.filter((r) => r.status === "fulfilled" && r.value).length;
}
