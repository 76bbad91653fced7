/** CORS for browser partners, only for the origins LOOKUP_ALLOWED_ORIGINS lists. */
import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { ApiEnv } from "./context";

let built: { source: string; handler: MiddlewareHandler } | null = null;

export const lookupCors: MiddlewareHandler<ApiEnv> = async (c, next) => {
	const source = c.env.LOOKUP_ALLOWED_ORIGINS ?? "";
	if (built?.source !== source) built = { source, handler: corsFor(source) };
	return built.handler(c, next);
};

function corsFor(source: string): MiddlewareHandler {
	const origins = source
		.split(",")
		.map((o) => o.trim())
		.filter((o) => o !== "");
	if (origins.length === 0) return (_c, next) => next();
	return cors({
		origin: (origin) => (origins.includes(origin) ? origin : null),
		allowMethods: ["GET"],
		allowHeaders: ["Authorization"],
		exposeHeaders: ["Retry-After"],
		maxAge: 600,
	});
}
