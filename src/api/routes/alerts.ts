/** GET /v1/alerts and POST /v1/alerts/{id}/acknowledge (admin keys only; see partner-api.ts). */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { ALERT_KINDS } from "../../alerts/alert";
import { acknowledge } from "../../alerts/lifecycle";
import { ApiError } from "../../errors";
import { ALERT_STATUSES } from "../../storage/alert-schema";
import { type AlertPosition, listAlerts } from "../../storage/alerts";
import type { ApiEnv } from "../context";
import { decodeCursor, pageOf, pageQuery, paginate } from "../pagination";
import { errorResponses } from "../schemas";

const ORDER = "alerts";
const security = [{ adminKey: [] }];
const time = z.string().openapi({ format: "date-time", example: "2026-02-18T19:00:00.000Z" });

const alertSchema = z
	.object({
		id: z.string(),
		kind: z.enum(ALERT_KINDS),
		fingerprint: z.string().openapi({ description: "`kind:subject`; one live alert per fingerprint." }),
		status: z.enum(ALERT_STATUSES).openapi({
			description: "open; acknowledged (by an operator, still counting); resolved (the condition cleared).",
		}),
		subject: z.string().openapi({ description: "What it is about: `kind:key`, a destination id, a check." }),
		details: z.record(z.string(), z.unknown()).openapi({ description: "What the latest occurrence saw." }),
		count: z.number().int().openapi({ description: "Occurrences seen while open or acknowledged." }),
		first_seen: time,
		last_seen: time,
		acknowledged_at: time.nullable(),
		acknowledged_by: z.string().nullable().openapi({ description: "The label of the admin key." }),
		resolved_at: time.nullable(),
	})
	.openapi("Alert");

const listQuery = z.object({
	status: z.enum(ALERT_STATUSES).optional(),
	kind: z.enum(ALERT_KINDS).optional(),
	...pageQuery,
});

const listRoute = createRoute({
	method: "get",
	path: "/v1/alerts",
	tags: ["Alerts"],
	summary: "Alerts, oldest first",
	description: "Ordered by (first_seen, id).",
	security,
	request: { query: listQuery },
	responses: {
		200: { description: "One page of alerts", content: { "application/json": { schema: pageOf(alertSchema) } } },
		...errorResponses(400, 401, 403, 429),
	},
});

const acknowledgeRoute = createRoute({
	method: "post",
	path: "/v1/alerts/{id}/acknowledge",
	tags: ["Alerts"],
	summary: "Acknowledge an open alert",
	description:
		"Records who (the admin key's label) and when. It stays acknowledged while its condition lasts and " +
		"resolves when it clears; acknowledging an acknowledged or resolved alert changes nothing.",
	security,
	request: { params: z.object({ id: z.string().min(1).max(64) }) },
	responses: {
		200: { description: "The alert", content: { "application/json": { schema: alertSchema } } },
		...errorResponses(401, 403, 404, 429),
	},
});

export function alertRoutes(api: OpenAPIHono<ApiEnv>): void {
	api.openapi(listRoute, async (c) => {
		const { cursor, limit, status, kind } = c.req.valid("query");
		const after = cursor ? (decodeCursor(cursor, ORDER, 2) as AlertPosition) : null;
		const rows = await listAlerts(c.env.HISTORY, { status, kind }, after, limit + 1);
		return c.json(
			paginate(rows, limit, ORDER, (a) => [a.first_seen, a.id]),
			200,
		);
	});

	api.openapi(acknowledgeRoute, async (c) => {
		const { id } = c.req.valid("param");
		const acknowledged = await acknowledge(c.env, id, c.get("identity").label);
		if (!acknowledged) throw new ApiError("not_found", `no alert ${id}`);
		return c.json(acknowledged.alert, 200);
	});
}
