/**
 * The one error type of the receiver and the one JSON shape it maps to:
 * `{"error":{"code","message","details"?}}`. Pure code throws ApiError; `onError` answers.
 */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { log } from "./logger";

export const ERROR_STATUS = {
	invalid_json: 400,
	invalid_payload: 400,
	invalid_request: 400,
	missing_signature: 401,
	invalid_signature: 401,
	unauthorized: 401,
	forbidden_ip: 403,
	forbidden: 403,
	not_found: 404,
	conflict: 409,
	payload_too_large: 413,
	rate_limited: 429,
	internal: 500,
	unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class ApiError extends Error {
	readonly status: ContentfulStatusCode;
	constructor(
		readonly code: ErrorCode,
		message: string,
		readonly details?: unknown,
		readonly headers?: Record<string, string>,
	) {
		super(message);
		this.name = "ApiError";
		this.status = ERROR_STATUS[code];
	}
}

export function errorBody(code: ErrorCode, message: string, details?: unknown) {
	return { error: details === undefined ? { code, message } : { code, message, details } };
}

export function onError(err: Error, c: Context): Response {
	if (err instanceof ApiError) {
		return c.json(errorBody(err.code, err.message, err.details), err.status, err.headers);
	}
	log("error", { message: "unhandled error", error: String(err) });
	return c.json(errorBody("internal", "internal error"), 500);
}

export function onNotFound(c: Context): Response {
	return c.json(errorBody("not_found", `no route for ${c.req.method} ${c.req.path}`), 404);
}
