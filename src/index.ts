/** The worker's wiring: routes, the queue consumers and the entity ledger class. */
import { OpenAPIHono } from "@hono/zod-openapi";
import { serveApiDocs } from "./api/openapi/document";
import { partnerApi } from "./api/partner-api";
import type { Env } from "./env";
import { onError, onNotFound } from "./errors";
import { ingress } from "./ingress/route";
import type { EventNotification } from "./ledger/records";
import { consumeDeadLetters, consumeEvents } from "./notifications/consumer";

export { EntityLedger } from "./ledger/entity-ledger";

const app = new OpenAPIHono<{ Bindings: Env }>();
app.onError(onError);
app.notFound(onNotFound);
app.get("/healthz", (c) => c.json({ ok: true }));
app.route("/", ingress);
app.route("/", partnerApi);
serveApiDocs(app);

export default {
	fetch: app.fetch,
	async queue(batch, env) {
		if (batch.queue.endsWith("-dlq")) await consumeDeadLetters(batch, env);
		else await consumeEvents(batch, env);
	},
} satisfies ExportedHandler<Env, EventNotification>;
