/**
 * Sends a plan to a receiver: each lane in order, lanes side by side. Knows nothing of where the
 * receiver is: `send` is fetch to a URL (the CLI) or the worker under test (the tests).
 */
import type { Plan, Webhook } from "./plan";

export type Send = (body: string, headers: Record<string, string>) => Promise<Response>;
export type Sign = (body: string) => Record<string, string> | Promise<Record<string, string>>;

export type Answer = "accepted" | "duplicate" | "stale" | "rejected";

export interface Outcome {
	webhook: Webhook;
	/** HTTP status, or 0 when the receiver could not be reached. */
	http: number;
	answer: Answer;
	/** The entity's status the receiver reported after this event. */
	entityStatus: string | null;
	/** Error code of a rejection (or the network error). */
	reason: string | null;
	/** Of the last attempt. */
	latencyMs: number;
	attempts: number;
}

export interface RunOptions {
	send: Send;
	sign: Sign;
	/** Lanes in flight at once. */
	concurrency?: number;
	/** Resends after a 5xx or a network error, as QI Tech retries (default 2). */
	retries?: number;
	retryDelayMs?: number;
	onOutcome?: (outcome: Outcome) => void;
}

export async function runPlan(plan: Plan, options: RunOptions): Promise<Outcome[]> {
	const outcomes: Outcome[] = [];
	let next = 0;
	const worker = async () => {
		while (next < plan.lanes.length) {
			for (const webhook of plan.lanes[next++]) {
				const outcome = await deliver(webhook, options);
				outcomes.push(outcome);
				options.onOutcome?.(outcome);
			}
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 1) }, worker));
	return outcomes;
}

async function deliver(webhook: Webhook, options: RunOptions): Promise<Outcome> {
	const retries = options.retries ?? 2;
	for (let attempt = 1; ; attempt++) {
		const outcome = await attemptOnce(webhook, options, attempt);
		if (outcome.http !== 0 && outcome.http < 500) return outcome;
		if (attempt > retries) return outcome;
		await new Promise((resolve) => setTimeout(resolve, (options.retryDelayMs ?? 250) * attempt));
	}
}

async function attemptOnce(webhook: Webhook, { send, sign }: RunOptions, attempts: number): Promise<Outcome> {
	const started = Date.now();
	const settle = (http: number, answer: Answer, entityStatus: string | null, reason: string | null): Outcome => ({
		webhook,
		http,
		answer,
		entityStatus,
		reason,
		latencyMs: Date.now() - started,
		attempts,
	});
	let response: Response;
	try {
		// Signed anew for each attempt: signatures carry a timestamp.
		response = await send(webhook.body, { "content-type": "application/json", ...(await sign(webhook.body)) });
	} catch (err) {
		return settle(0, "rejected", null, String(err));
	}
	const answer = (await response.json().catch(() => null)) as {
		result?: Answer;
		status?: string;
		error?: { code?: string };
	} | null;
	if (response.status === 200 && answer?.result) return settle(200, answer.result, answer.status ?? null, null);
	return settle(response.status, "rejected", null, answer?.error?.code ?? `http_${response.status}`);
}
