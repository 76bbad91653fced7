/**
 * Per-key rate limit on Cloudflare's rate limiting binding: abuse protection, counted per
 * location and eventually consistent, so not an exact quota. No binding, no limit.
 */
import type { MiddlewareHandler } from "hono";
import { ApiError } from "../errors";
import { settingsOf } from "../settings";
import type { ApiEnv } from "./context";

export const rateLimit: MiddlewareHandler<ApiEnv> = async (c, next) => {
	const limiter = c.env.LOOKUP_RATE_LIMITER;
	if (limiter) {
		const { success } = await limiter.limit({ key: `key:${c.get("identity").label}` });
		if (!success) {
			const retryAfter = String(settingsOf(c.env).LOOKUP_RATE_LIMIT_PERIOD_SECONDS);
			throw new ApiError("rate_limited", "too many requests for this key; retry later", undefined, {
				"Retry-After": retryAfter,
			});
		}
	}
	await next();
};
