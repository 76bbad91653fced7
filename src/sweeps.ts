/**
 * What the Cron Trigger runs every minute (wrangler.toml `[triggers]`): each sweep in turn, each
 * bounded in work per run and idempotent (a cron fires at least once). One failing sweep is logged
 * and does not keep the others from running.
 */
import { tellChannels } from "./alerts/channels";
import { sweepContractDrift } from "./alerts/contract-drift";
import { sweepDestinations } from "./alerts/destination-health";
import { sweepHistoryLag } from "./alerts/history-lag";
import { sweepReadiness, sweepRejections } from "./alerts/ingestion";
import { sweepQuarantine } from "./alerts/quarantine";
import { sweepStuckEntities } from "./alerts/stuck-entities";
import type { Env } from "./env";
import { log } from "./logger";
import { resealSecrets } from "./notifications/reseal";
import { strandedDeliveries } from "./notifications/stranded";
import { dailyExport } from "./storage/exports";
import { movePayloads } from "./storage/payload-moves";
import { retention } from "./storage/retention";

export interface Sweep {
	name: string;
	run(env: Env, now: Date): Promise<Record<string, number> | undefined>;
}

export const SWEEPS: Sweep[] = [
	strandedDeliveries,
	resealSecrets,
	retention,
	movePayloads,
	dailyExport,
	{ name: "alerts.stuck_entities", run: sweepStuckEntities },
	{ name: "alerts.destinations", run: sweepDestinations },
	{ name: "alerts.rejections", run: sweepRejections },
	{ name: "alerts.history_lag", run: sweepHistoryLag },
	{ name: "alerts.readiness", run: sweepReadiness },
	{ name: "alerts.quarantine", run: sweepQuarantine },
	{ name: "alerts.contract_drift", run: sweepContractDrift },
	// Last: tells the channels what the sweeps above, and the consumers since the last run, changed.
	{ name: "alerts.channels", run: tellChannels },
];

export async function runSweeps(env: Env, now: Date, sweeps: readonly Sweep[] = SWEEPS): Promise<void> {
	for (const sweep of sweeps) {
		const started = Date.now();
		try {
			const done = await sweep.run(env, now);
			log("info", { sweep: sweep.name, outcome: "ok", ...done, latency_ms: Date.now() - started });
		} catch (err) {
			log("error", { sweep: sweep.name, outcome: "error", error: String(err), latency_ms: Date.now() - started });
		}
	}
}
