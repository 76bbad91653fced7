/** GET /openapi.json (OpenAPI 3.1, generated from the routes' zod schemas); /docs renders it (src/console/docs.tsx). */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "../../env";
import { registerIngressPath } from "./ingress-path";

type Document = ReturnType<OpenAPIHono["getOpenAPI31Document"]>;

const INFO = {
	title: "QI Tech edge receiver",
	version: "1",
	description:
		"Receives QI Tech's webhooks and answers partners' lookups of entities, their history and the ingress audit trail. " +
		'Partner routes (/v1) need `Authorization: Bearer <key>`; errors are always `{"error":{"code","message","details"?}}`.',
};

/** Serves the document; answers the getter of the document, generated once when first asked. */
export function serveApiDocs(app: OpenAPIHono<{ Bindings: Env }>): () => Document {
	registerIngressPath(app.openAPIRegistry);
	let document: Document | null = null;
	const documentOf = () => (document ??= app.getOpenAPI31Document({ openapi: "3.1.0", info: INFO }));
	app.get("/openapi.json", (c) => c.json(documentOf()));
	return documentOf;
}
