/**
 * Per-key rate limit on Cloudflare's rate limiting binding: abuse protection, counted per
 * location and eventually consistent, so not an exact quota. No binding, no limit.
 */
import type { MiddlewareHandler } from "hono";
import { ApiError } from "../errors";
import { type Settings, settingsOf } from "../settings";
import type { ApiEnv } from "./context";

export const rateLimit: MiddlewareHandler<ApiEnv> = async (c, next) => {
	const limiter = c.env.LOOKUP_RATE_LIMITER;
	if (limiter) {
		const { success } = await limiter.limit({ key: `key:${c.get("identity").id}` });
		if (!success) throw rateLimited(settingsOf(c.env));
	}
	await next();
};

export function rateLimited(settings: Settings): ApiError {
	return new ApiError("rate_limited", "too many requests for this key; retry later", undefined, {
		"Retry-After": String(settings.LOOKUP_RATE_LIMIT_PERIOD_SECONDS),
	});
}
