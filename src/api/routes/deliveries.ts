/** GET /v1/events/{event_id}/deliveries (partner or admin) and POST …/redeliver (admin). */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { redeliver } from "../../notifications/redeliver";
import { attemptsOfEvent, deliveriesOfEvent } from "../../storage/deliveries";
import { DELIVERY_OUTCOMES } from "../../storage/delivery-schema";
import { fromEventRow } from "../../storage/event-rows";
import { readPayload } from "../../storage/payloads";
import type { ApiEnv } from "../context";
import { requireAdmin } from "../roles";
import { errorResponses } from "../schemas";
import { readableEvent } from "../scopes";

// Typed apart: an inline array of two different requirement objects defeats route inference.
const partnerOrAdmin: { [scheme: string]: string[] }[] = [{ partnerKey: [] }, { adminKey: [] }];
const time = z.string().openapi({ format: "date-time" });
const params = z.object({ event_id: z.string().min(1).max(128) }).openapi("EventIdParams");

const deliverySchema = z
	.object({
		destination_id: z.string(),
		outcome: z.enum(DELIVERY_OUTCOMES).openapi({
			description:
				"pending (queued or retrying), delivered, failed (4xx), dead (retries exhausted), paused (destination disabled).",
		}),
		attempts: z.number().int(),
		last_status_code: z.number().int().nullable(),
		last_error: z.string().nullable(),
		next_attempt_at: time.nullable(),
		created_at: time,
		updated_at: time,
		delivered_at: time.nullable(),
		attempt_log: z
			.array(
				z.object({
					attempt: z.number().int(),
					at: time,
					outcome: z.enum(DELIVERY_OUTCOMES),
					status: z.number().int().nullable(),
					error: z.string().nullable(),
					duration_ms: z.number().int(),
				}),
			)
			.openapi({ description: "Each attempt, first first (kept DELIVERY_ATTEMPTS_RETENTION_DAYS)." }),
	})
	.openapi("Delivery");

const deliveryListSchema = z.object({ data: z.array(deliverySchema) }).openapi("DeliveryList");

const listRoute = createRoute({
	method: "get",
	path: "/v1/events/{event_id}/deliveries",
	tags: ["Deliveries"],
	summary: "Where this event has been delivered, with attempts and outcomes",
	security: partnerOrAdmin,
	request: { params },
	responses: {
		200: { description: "One row per destination", content: { "application/json": { schema: deliveryListSchema } } },
		...errorResponses(401, 404, 429),
	},
});

const redeliverRoute = createRoute({
	method: "post",
	path: "/v1/events/{event_id}/redeliver",
	tags: ["Deliveries"],
	summary: "Deliver the event again to every enabled destination that wants it (same webhook-id)",
	security: [{ adminKey: [] }],
	request: {
		params,
		query: z.object({
			destination_id: z
				.string()
				.min(1)
				.max(64)
				.optional()
				.openapi({ description: "Only to this destination (when it is enabled and wants the event)." }),
		}),
	},
	responses: {
		202: {
			description: "Queued",
			content: { "application/json": { schema: z.object({ enqueued: z.number().int() }) } },
		},
		...errorResponses(401, 403, 404, 429),
	},
});

export function deliveryRoutes(api: OpenAPIHono<ApiEnv>): void {
	api.openapi(listRoute, async (c) => {
		const { event_id } = c.req.valid("param");
		await readableEvent(c.env, c.get("identity"), event_id);
		const [rows, attempts] = await Promise.all([
			deliveriesOfEvent(c.env.HISTORY, event_id),
			attemptsOfEvent(c.env.HISTORY, event_id),
		]);
		const data = rows.map(({ event_id: _id, ...row }) => ({
			...row,
			attempt_log: attempts
				.filter((a) => a.destination_id === row.destination_id)
				.map(({ event_id: _e, destination_id: _d, ...a }) => a),
		}));
		return c.json({ data }, 200);
	});

	api.use(redeliverRoute.getRoutingPath(), requireAdmin);
	api.openapi(redeliverRoute, async (c) => {
		const event = await readableEvent(c.env, c.get("identity"), c.req.valid("param").event_id);
		const onlyTo = c.req.valid("query").destination_id ?? null;
		// Content filters match the payload; an expired one matches as null.
		const enqueued = await redeliver(c.env, fromEventRow(event), (await readPayload(c.env, event)) ?? "null", onlyTo);
		return c.json({ enqueued }, 202);
	});
}
