/**
 * Runs the worker under test with some of its environment changed: the same code, the same real
 * bindings, except those given (a wrapped binding injects a fault, a string changes a setting).
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";

export type EnvChanges = { [K in keyof Cloudflare.Env]?: Cloudflare.Env[K] | undefined };

export function envWith(changes: EnvChanges): Cloudflare.Env {
	return { ...env, ...changes } as Cloudflare.Env;
}

/** Answers the request; what the worker left to do after answering (waitUntil) is done too. */
export async function fetchWith(changes: EnvChanges, request: Request): Promise<Response> {
	const ctx = createExecutionContext();
	const response = await worker.fetch(request, envWith(changes), ctx);
	await waitOnExecutionContext(ctx);
	return response;
}
