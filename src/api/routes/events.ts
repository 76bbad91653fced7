/** GET /v1/events and GET /v1/events/{event_id}: the recorded events, from the D1 history. */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { RECORDED_RESULTS } from "../../model";
import { type EventPosition, listEvents } from "../../storage/event-lookups";
import { fromEventRow } from "../../storage/event-rows";
import { historyOf } from "../../storage/partitions";
import { readPayload } from "../../storage/payloads";
import type { ApiEnv } from "../context";
import { decodeCursor, pageOf, pageQuery, paginate } from "../pagination";
import { errorResponses, eventSchema, eventWithPayloadSchema, kindSchema } from "../schemas";
import { kindOfType, listKind, readableEvent } from "../scopes";
import { isoTime } from "../validation";

const security = [{ partnerKey: [] }];
const ORDER = "events";

const listQuery = z
	.object({
		type: z.string().min(1).max(200).optional().openapi({ example: "trade_receivables.asset_status_change" }),
		kind: kindSchema.optional(),
		key: z.string().min(1).max(512).optional().openapi({ description: "Entity key; needs `kind`." }),
		status: z
			.string()
			.min(1)
			.max(200)
			.optional()
			.openapi({ description: "Status the event carried; needs `kind` or `type`." }),
		result: z.enum(RECORDED_RESULTS).optional(),
		since: z.iso.datetime({ offset: true }).optional().openapi({ description: "Received at or after this time." }),
		until: z.iso.datetime({ offset: true }).optional().openapi({ description: "Received before this time." }),
		...pageQuery,
	})
	.refine((q) => q.key === undefined || q.kind !== undefined, { message: "key needs kind", path: ["key"] })
	.refine((q) => q.status === undefined || q.kind !== undefined || q.type !== undefined, {
		message: "status needs kind or type",
		path: ["status"],
	});

const listEventsRoute = createRoute({
	method: "get",
	path: "/v1/events",
	tags: ["Events"],
	summary: "Recorded events, oldest received first",
	description: "From the D1 history, which trails the ledgers by a moment. Ordered by (received_at, event_id).",
	security,
	request: { query: listQuery },
	responses: {
		200: { description: "One page of events", content: { "application/json": { schema: pageOf(eventSchema) } } },
		...errorResponses(400, 401, 403, 429),
	},
});

const getEventRoute = createRoute({
	method: "get",
	path: "/v1/events/{event_id}",
	tags: ["Events"],
	summary: "One event with its payload as received",
	security,
	request: { params: z.object({ event_id: z.string().min(1).max(128) }) },
	responses: {
		200: { description: "The event", content: { "application/json": { schema: eventWithPayloadSchema } } },
		...errorResponses(401, 404, 429),
	},
});

export function eventRoutes(api: OpenAPIHono<ApiEnv>): void {
	api.openapi(listEventsRoute, async (c) => {
		const { cursor, limit, since, until, ...filters } = c.req.valid("query");
		const after = cursor ? (decodeCursor(cursor, ORDER, 2) as EventPosition) : null;
		const identity = c.get("identity");
		// A type implies its kind, which a key limited to some kinds must be allowed to read.
		const implied = identity.kinds !== null && filters.type !== undefined ? kindOfType(filters.type) : undefined;
		const kind = listKind(identity, filters.kind ?? implied);
		const rows = await listEvents(
			historyOf(c.env),
			{ ...filters, kind, since: since && isoTime(since, "since"), until: until && isoTime(until, "until") },
			after,
			limit + 1,
		);
		return c.json(
			paginate(rows.map(fromEventRow), limit, ORDER, (e) => [e.received_at, e.event_id]),
			200,
		);
	});

	api.openapi(getEventRoute, async (c) => {
		const { event_id } = c.req.valid("param");
		const identity = c.get("identity");
		const row = await readableEvent(c.env, identity, event_id);
		const event = fromEventRow(row);
		if (!identity.payloads) return c.json(event, 200);
		const payload = await readPayload(c.env, row);
		return c.json(payload === null ? { ...event, payload_expired: true } : { ...event, payload }, 200);
	});
}
