/** CORS for browser partners, only for the origins LOOKUP_ALLOWED_ORIGINS lists. */
import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { type Settings, settingsOf } from "../settings";
import type { ApiEnv } from "./context";

const built = new WeakMap<Settings, MiddlewareHandler>();

export const lookupCors: MiddlewareHandler<ApiEnv> = async (c, next) => {
	const settings = settingsOf(c.env);
	let handler = built.get(settings);
	if (!handler) {
		handler = corsFor(settings.LOOKUP_ALLOWED_ORIGINS);
		built.set(settings, handler);
	}
	return handler(c, next);
};

function corsFor(origins: string[]): MiddlewareHandler {
	if (origins.length === 0) return (_c, next) => next();
	return cors({
		origin: (origin) => (origins.includes(origin) ? origin : null),
		allowMethods: ["GET"],
		allowHeaders: ["Authorization"],
		exposeHeaders: ["Retry-After"],
		maxAge: 600,
	});
}
