/**
 * What the Cron Trigger runs every minute (wrangler.toml `[triggers]`): each sweep in turn, each
 * bounded in work per run and idempotent (a cron fires at least once). One failing sweep is logged
 * and does not keep the others from running.
 */
import type { Env } from "./env";
import { log } from "./logger";
import { strandedDeliveries } from "./notifications/stranded";

export interface Sweep {
	name: string;
	run(env: Env, now: Date): Promise<Record<string, number> | undefined>;
}

export const SWEEPS: Sweep[] = [strandedDeliveries];

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
