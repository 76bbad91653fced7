/**
 * One log line per request and per queue batch (src/logger.ts): routes, outcomes, identifiers
 * and timings, never a secret, a header value or a body.
 */
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { entityName } from "./catalog/event";
import { ApiError } from "./errors";
import { log } from "./logger";

/** What a route knows of its request that the log line should say (the webhook's verdict). */
export interface Logged {
	outcome: string;
	reason: string | null;
	entity: string | null;
	event_id: string | null;
}

/** `caller`: the label of the API key or console user that made the request, never the key. */
export type LogVariables = { logged?: Logged; caller?: string };

/** One line per request, when it has been answered. */
export const requestLog: MiddlewareHandler<{ Variables: LogVariables }> = async (c, next) => {
	const started = Date.now();
	await next();
	const status = c.res.status;
	const { kind, key, event_id } = c.req.param() as Record<string, string | undefined>;
	const route = routePath(c, -1);
	const logged = c.get("logged") ?? {
		outcome: status < 400 ? "ok" : status < 500 ? "rejected" : "error",
		reason: reasonOf(c.error, status),
		entity: kind && key ? entityName(kind, key) : null,
		event_id: event_id ?? null,
	};
	log("info", {
		route: route === "*" || route === "/*" ? null : route,
		method: c.req.method,
		request_id: c.req.header("cf-ray") ?? null,
		status,
		...logged,
		caller: c.get("caller") ?? null,
		latency_ms: Date.now() - started,
	});
};

function reasonOf(error: Error | undefined, status: number): string | null {
	if (error instanceof ApiError) return error.code;
	if (error) return "internal";
	return status === 404 ? "not_found" : null;
}

/** Runs `consume` on the batch and logs what became of its messages. */
export async function logBatch<Body>(
	batch: MessageBatch<Body>,
	consume: (batch: MessageBatch<Body>) => Promise<void>,
): Promise<void> {
	const started = Date.now();
	const tally = { acked: 0, retried: 0 };
	let failure: unknown = null;
	try {
		await consume(observed(batch, tally));
	} catch (err) {
		failure = err;
		throw err;
	} finally {
		const settled = tally.acked + tally.retried;
		log(failure ? "error" : "info", {
			queue: batch.queue,
			messages: batch.messages.length,
			acked: failure ? 0 : tally.acked,
			retried: failure ? batch.messages.length : tally.retried,
			// A message neither acked nor retried is acked when the handler returns.
			implicitly_acked: failure ? 0 : batch.messages.length - settled,
			outcome: failure ? "error" : tally.retried > 0 ? "partial" : "ok",
			reason: failure ? String(failure) : null,
			max_attempts: Math.max(0, ...batch.messages.map((m) => m.attempts)),
			backlog: batch.metadata?.metrics?.backlogCount ?? null,
			latency_ms: Date.now() - started,
		});
	}
}

/** The same batch, counting ack() and retry() calls on its messages. */
function observed<Body>(batch: MessageBatch<Body>, tally: { acked: number; retried: number }): MessageBatch<Body> {
	const messages = batch.messages.map(
		(m): Message<Body> => ({
			get id() {
				return m.id;
			},
			get timestamp() {
				return m.timestamp;
			},
			get body() {
				return m.body;
			},
			get attempts() {
				return m.attempts;
			},
			ack: () => {
				tally.acked++;
				m.ack();
			},
			retry: (options) => {
				tally.retried++;
				m.retry(options);
			},
		}),
	);
	return {
		queue: batch.queue,
		messages,
		get metadata() {
			return batch.metadata;
		},
		ackAll: () => {
			for (const m of messages) m.ack();
		},
		retryAll: (options) => {
			for (const m of messages) m.retry(options);
		},
	};
}
