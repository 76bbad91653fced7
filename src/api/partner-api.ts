/**
 * The partner API under /v1: CORS (only when configured), then the key, then the key's rate
 * limit, then the routes. Mounted on the worker's app, which merges its OpenAPI definitions.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { authenticate } from "./auth";
import type { ApiEnv } from "./context";
import { lookupCors } from "./cors";
import { rateLimit } from "./rate-limit";
import { requireAdmin } from "./roles";
import { alertRoutes } from "./routes/alerts";
import { apiKeyRoutes } from "./routes/api-keys";
import { deliveryRoutes } from "./routes/deliveries";
import { destinationRoutes } from "./routes/destinations";
import { entityRoutes } from "./routes/entities";
import { eventRoutes } from "./routes/events";
import { exportRoutes } from "./routes/exports";
import { receiptRoutes } from "./routes/receipts";
import { repairRoutes } from "./routes/repairs";
import { rejectInvalid } from "./validation";

export const partnerApi = new OpenAPIHono<ApiEnv>({ defaultHook: rejectInvalid });

partnerApi.use("/v1/*", lookupCors, authenticate, rateLimit);
for (const path of ["/v1/destinations", "/v1/alerts", "/v1/api-keys", "/v1/exports"]) {
	partnerApi.use(path, requireAdmin);
	partnerApi.use(`${path}/*`, requireAdmin);
}
partnerApi.openAPIRegistry.registerComponent("securitySchemes", "partnerKey", {
	type: "http",
	scheme: "bearer",
	description: "A partner key: one of PARTNER_API_KEYS, or a partner key created with POST /v1/api-keys.",
});
partnerApi.openAPIRegistry.registerComponent("securitySchemes", "adminKey", {
	type: "http",
	scheme: "bearer",
	description:
		"An admin key (ADMIN_API_KEYS, or created with role admin): also manages destinations, keys, alerts, repairs.",
});
entityRoutes(partnerApi);
repairRoutes(partnerApi);
eventRoutes(partnerApi);
receiptRoutes(partnerApi);
deliveryRoutes(partnerApi);
destinationRoutes(partnerApi);
alertRoutes(partnerApi);
apiKeyRoutes(partnerApi);
exportRoutes(partnerApi);
