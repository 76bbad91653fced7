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
import { deliveryRoutes } from "./routes/deliveries";
import { destinationRoutes } from "./routes/destinations";
import { entityRoutes } from "./routes/entities";
import { eventRoutes } from "./routes/events";
import { receiptRoutes } from "./routes/receipts";
import { repairRoutes } from "./routes/repairs";
import { rejectInvalid } from "./validation";

export const partnerApi = new OpenAPIHono<ApiEnv>({ defaultHook: rejectInvalid });

partnerApi.use("/v1/*", lookupCors, authenticate, rateLimit);
partnerApi.use("/v1/destinations", requireAdmin);
partnerApi.use("/v1/destinations/*", requireAdmin);
partnerApi.use("/v1/alerts", requireAdmin);
partnerApi.use("/v1/alerts/*", requireAdmin);
partnerApi.openAPIRegistry.registerComponent("securitySchemes", "partnerKey", {
	type: "http",
	scheme: "bearer",
	description: "One of the receiver's PARTNER_API_KEYS.",
});
partnerApi.openAPIRegistry.registerComponent("securitySchemes", "adminKey", {
	type: "http",
	scheme: "bearer",
	description: "One of the receiver's ADMIN_API_KEYS: manages destinations, redeliveries and alerts.",
});
entityRoutes(partnerApi);
repairRoutes(partnerApi);
eventRoutes(partnerApi);
receiptRoutes(partnerApi);
deliveryRoutes(partnerApi);
destinationRoutes(partnerApi);
alertRoutes(partnerApi);
