/** The worker's wiring: routes (webhooks, API, console), the queue consumers, the Cron Trigger's sweeps and the entity ledger class. */
import { OpenAPIHono } from "@hono/zod-openapi";
import { serveApiDocs } from "./api/openapi/document";
import { partnerApi } from "./api/partner-api";
import { consoleApp } from "./console/app";
import type { ApiDocument } from "./console/docs";
import type { Env } from "./env";
import { onError, onNotFound } from "./errors";
import { health } from "./health";
import { ingress } from "./ingress/route";
import { logBatch, requestLog } from "./logs";
import { consumeQueue, type QueueMessage } from "./notifications/queues";
import { runSweeps } from "./sweeps";

export { EntityLedger } from "./ledger/entity-ledger";

const app = new OpenAPIHono<{ Bindings: Env }>();
app.onError(onError);
app.notFound(onNotFound);
app.use(requestLog);
app.route("/", health);
app.route("/", ingress);
app.route("/", partnerApi);
const documentOf = serveApiDocs(app);
app.route(
	"/",
	consoleApp(() => documentOf() as ApiDocument),
);

export default {
	fetch: app.fetch,
	queue: (batch, env) => logBatch(batch, (logged) => consumeQueue(logged, env)),
	scheduled: (controller, env, ctx) => ctx.waitUntil(runSweeps(env, new Date(controller.scheduledTime))),
} satisfies ExportedHandler<Env, QueueMessage>;
