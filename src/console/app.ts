/**
 * The operations console, served by the worker from its own origin: `/` sends a browser to
 * `/console`; every page passes the language and viewer middleware and answers with a strict
 * Content-Security-Policy (nothing from other hosts, no inline script or style); errors are pages.
 */
import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { Env } from "../env";
import { consoleActions } from "./actions";
import { serveAssets } from "./assets/assets";
import { type ApiDocument, serveDocs } from "./docs";
import { renderError } from "./render";
import { consolePages } from "./routes";
import { type ConsoleEnv, ConsoleRefusal, language, viewer } from "./viewer";

/** Every HTML page of the worker: the console and /docs. */
export const htmlSecurity = secureHeaders({
	contentSecurityPolicy: {
		defaultSrc: ["'none'"],
		scriptSrc: ["'self'"],
		styleSrc: ["'self'"],
		imgSrc: ["'self'", "data:"],
		formAction: ["'self'"],
		frameAncestors: ["'none'"],
		baseUri: ["'none'"],
	},
	xContentTypeOptions: "nosniff",
	referrerPolicy: "same-origin",
	xFrameOptions: "DENY",
	crossOriginResourcePolicy: "same-origin",
});

/** `documentOf`: the OpenAPI document /docs renders. */
export function consoleApp(documentOf: () => ApiDocument): Hono<{ Bindings: Env }> {
	const app = new Hono<ConsoleEnv>();
	app.onError(renderError);
	serveAssets(app as unknown as Hono<{ Bindings: Env }>);
	// `/console/*` covers `/console` too: each middleware runs once per request.
	for (const path of ["/", "/console/*", "/docs"]) app.use(path, htmlSecurity, language, viewer);
	consolePages(app);
	consoleActions(app);
	serveDocs(app, documentOf);
	app.all("/console/*", () => {
		throw new ConsoleRefusal(404, "notFoundTitle", "notFoundTitle");
	});
	return app as unknown as Hono<{ Bindings: Env }>;
}
