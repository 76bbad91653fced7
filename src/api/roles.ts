/** Admin-only routes: a partner key is known but not allowed here (403, not 401). */
import type { MiddlewareHandler } from "hono";
import { ApiError } from "../errors";
import type { ApiEnv } from "./context";

export const requireAdmin: MiddlewareHandler<ApiEnv> = async (c, next) => {
	if (c.get("identity").role !== "admin")
		throw new ApiError("forbidden", "this route needs an admin key (ADMIN_API_KEYS)");
	await next();
};
