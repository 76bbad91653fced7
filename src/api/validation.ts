/** Every request the partner API rejects for its parameters answers 400 `invalid_request`. */
import type { Hook } from "@hono/zod-openapi";
import { ApiError } from "../errors";

// One hook for every route, whatever its input types.
// biome-ignore lint/suspicious/noExplicitAny: the hook is shared by routes of different input types.
export const rejectInvalid: Hook<any, any, any, any> = (result) => {
	if (!result.success)
		throw new ApiError("invalid_request", "the request's parameters are invalid", result.error.issues);
};

export function invalidRequest(path: string, message: string): ApiError {
	return new ApiError("invalid_request", "the request's parameters are invalid", [{ path: [path], message }]);
}

/** Stored times are UTC `toISOString()` strings: compare like with like. */
export function isoTime(value: string, path: string): string {
	const time = new Date(value);
	if (Number.isNaN(time.getTime())) throw invalidRequest(path, "not a valid time");
	return time.toISOString();
}
