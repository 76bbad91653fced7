/**
 * Admin routes for partner destinations: create, list, read (with health), change, delete,
 * and replay what failed. The signing secret is shown once, on creation or rotation.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { ApiError } from "../../errors";
import { changeDestination, createDestination, foundDestination, replayFailed } from "../../notifications/destinations";
import { describeFilter, filterSchema } from "../../notifications/filter";
import { isSecret } from "../../notifications/standard-webhooks";
import { defaultTestType, sendTestEvent, TEST_EVENT_TYPES } from "../../notifications/test-event";
import { type Destination, deleteDestination, listDestinations } from "../../storage/destinations";
import type { ApiEnv } from "../context";
import { errorResponses, kindSchema } from "../schemas";

const security = [{ adminKey: [] }];
const time = z.string().openapi({ format: "date-time" });

const eventTypePattern = z
	.string()
	.min(1)
	.max(200)
	.regex(/^(\*|[a-z0-9_.]+\*?)$/, "an event type, or a prefix ending in *")
	.openapi({ example: "trade_receivables.*" });
const secretSchema = z.string().refine(isSecret, "a Standard Webhooks secret: whsec_ followed by base64 of 16+ bytes");

const filter = filterSchema.openapi({
	type: "object",
	description:
		"Matched against the notification body (Hookdeck's syntax: values, `$eq $neq $in $nin $gt $gte $lt $lte " +
		"$exists $startsWith $endsWith $and $or $not`); events it drops are not deliveries. See README, Forwarding.",
	example: { type: "settlement.payment_batch_status_change", data: { data: { status: "paid" } } },
});
const shaping = {
	ordering: z.enum(["none", "entity"]).openapi({
		description: "`entity`: each entity's events in the ledger's order (a later one waits for an earlier one).",
	}),
	filter: filter.nullable(),
	payload: z.enum(["full", "thin"]).openapi({
		description: "`thin`: ids, type, entity, status, sequence and a lookup link, without QI Tech's payload.",
	}),
	max_per_second: z.number().int().min(1).max(1000).nullable().openapi({ description: "Deliveries started a second." }),
	max_in_flight: z.number().int().min(1).max(1000).nullable().openapi({ description: "Deliveries under way at once." }),
};

const destinationSchema = z
	.object({
		id: z.string(),
		url: z.string(),
		event_types: z.array(z.string()),
		kinds: z.array(kindSchema).nullable().openapi({ description: "null: every kind." }),
		enabled: z.boolean(),
		include_stale: z.boolean(),
		...shaping,
		filter_text: z.string().nullable().openapi({ description: "The filter in words." }),
		disabled_reason: z.string().nullable(),
		created_at: time,
		updated_at: time,
		health: z.object({
			last_success_at: time.nullable(),
			last_failure_at: time.nullable(),
			last_failure: z.string().nullable(),
			consecutive_failures: z.number().int(),
			failing_since: time.nullable().openapi({ description: "Start of the current run of failures." }),
		}),
	})
	.openapi("Destination");

const withSecretSchema = destinationSchema
	.extend({ secret: z.string().openapi({ description: "Shown only now: keep it to verify webhook-signature." }) })
	.openapi("DestinationWithSecret");

const createBody = z
	.object({
		url: z.string().url(),
		event_types: z.array(eventTypePattern).min(1),
		kinds: z.array(kindSchema).min(1).nullable().optional(),
		enabled: z.boolean().default(true),
		include_stale: z.boolean().default(false),
		ordering: shaping.ordering.default("none"),
		filter: shaping.filter.default(null),
		payload: shaping.payload.default("full"),
		max_per_second: shaping.max_per_second.default(null),
		max_in_flight: shaping.max_in_flight.default(null),
		secret: secretSchema.optional().openapi({ description: "Generated when absent." }),
	})
	.openapi("NewDestination");

const patchBody = z
	.object({
		url: z.string().url().optional(),
		event_types: z.array(eventTypePattern).min(1).optional(),
		kinds: z.array(kindSchema).min(1).nullable().optional(),
		enabled: z.boolean().optional(),
		include_stale: z.boolean().optional(),
		ordering: shaping.ordering.optional(),
		filter: shaping.filter.optional(),
		payload: shaping.payload.optional(),
		max_per_second: shaping.max_per_second.optional(),
		max_in_flight: shaping.max_in_flight.optional(),
		secret: secretSchema.optional(),
		rotate_secret: z.boolean().optional().openapi({ description: "true: generate a new secret and show it once." }),
	})
	.openapi("DestinationChanges");

const idParams = z.object({ id: z.string().min(1).max(64) });
const json = <T extends z.ZodType>(schema: T, description: string) => ({
	description,
	content: { "application/json": { schema } },
});
const jsonBody = <T extends z.ZodType>(schema: T) => ({
	body: { required: true, content: { "application/json": { schema } } },
});

const routes = {
	create: createRoute({
		method: "post",
		path: "/v1/destinations",
		tags: ["Destinations"],
		summary: "Add a destination",
		security,
		request: jsonBody(createBody),
		responses: {
			201: json(withSecretSchema, "Created; the secret is shown this once"),
			...errorResponses(400, 401, 403, 429),
		},
	}),
	list: createRoute({
		method: "get",
		path: "/v1/destinations",
		tags: ["Destinations"],
		summary: "Every destination, with its health",
		security,
		responses: {
			200: json(z.object({ data: z.array(destinationSchema) }), "The destinations"),
			...errorResponses(401, 403, 429),
		},
	}),
	get: createRoute({
		method: "get",
		path: "/v1/destinations/{id}",
		tags: ["Destinations"],
		summary: "One destination: last success, last failure, consecutive failures",
		security,
		request: { params: idParams },
		responses: { 200: json(destinationSchema, "The destination"), ...errorResponses(401, 403, 404, 429) },
	}),
	patch: createRoute({
		method: "patch",
		path: "/v1/destinations/{id}",
		tags: ["Destinations"],
		summary: "Change, enable, disable or rotate the secret of a destination",
		description: "Enabling a destination replays the deliveries held while it was disabled.",
		security,
		request: { params: idParams, ...jsonBody(patchBody) },
		responses: {
			200: json(
				destinationSchema.extend({ secret: z.string().optional() }),
				"The destination (with the new secret if rotated)",
			),
			...errorResponses(400, 401, 403, 404, 429),
		},
	}),
	remove: createRoute({
		method: "delete",
		path: "/v1/destinations/{id}",
		tags: ["Destinations"],
		summary: "Remove a destination; its pending deliveries are dropped",
		security,
		request: { params: idParams },
		responses: { 204: { description: "Removed" }, ...errorResponses(401, 403, 404, 429) },
	}),
	replayFailed: createRoute({
		method: "post",
		path: "/v1/destinations/{id}/replay-failed",
		tags: ["Destinations"],
		summary: "Deliver again every failed, dead-lettered, held or stranded delivery of this destination",
		security,
		request: { params: idParams },
		responses: {
			202: json(z.object({ enqueued: z.number().int() }), "Queued again"),
			...errorResponses(401, 403, 404, 429),
		},
	}),
	test: createRoute({
		method: "post",
		path: "/v1/destinations/{id}/test",
		tags: ["Destinations"],
		summary: "Send a signed test event built from QI Tech's example of a type; answers the attempt's outcome",
		description:
			"The event has an id of its own (`test_…`), is signed with the destination's secret and sent like any " +
			"delivery, to an enabled or disabled destination; nothing is recorded. The type defaults to the first " +
			"of the catalog that the destination wants.",
		security,
		request: {
			params: idParams,
			body: {
				required: false,
				content: { "application/json": { schema: z.object({ type: z.enum(TEST_EVENT_TYPES).optional() }) } },
			},
		},
		responses: {
			200: json(
				z
					.object({
						event_id: z.string(),
						type: z.string(),
						outcome: z.enum(["delivered", "failed"]),
						retryable: z.boolean().openapi({ description: "A failure a delivery would retry (5xx, 429, network)." }),
						status: z.number().int().nullable(),
						error: z.string().nullable(),
						duration_ms: z.number().int(),
					})
					.openapi("TestDelivery"),
				"What the destination answered",
			),
			...errorResponses(400, 401, 403, 404, 429),
		},
	}),
};

function publicView({ secret: _secret, ...destination }: Destination) {
	return { ...destination, filter_text: destination.filter && describeFilter(destination.filter) };
}

export function destinationRoutes(api: OpenAPIHono<ApiEnv>): void {
	api.openapi(routes.create, async (c) => {
		const body = c.req.valid("json");
		const { destination, secret } = await createDestination(c.env, { ...body, kinds: body.kinds ?? null });
		return c.json({ ...publicView(destination), secret }, 201);
	});

	api.openapi(routes.list, async (c) => c.json({ data: (await listDestinations(c.env.HISTORY)).map(publicView) }, 200));

	api.openapi(routes.get, async (c) =>
		c.json(publicView(await foundDestination(c.env.HISTORY, c.req.valid("param").id)), 200),
	);

	api.openapi(routes.patch, async (c) => {
		const { id } = c.req.valid("param");
		const { destination, secret } = await changeDestination(c.env, id, c.req.valid("json"));
		return c.json(secret === null ? publicView(destination) : { ...publicView(destination), secret }, 200);
	});

	api.openapi(routes.remove, async (c) => {
		const { id } = c.req.valid("param");
		if (!(await deleteDestination(c.env.HISTORY, id))) throw new ApiError("not_found", `no destination ${id}`);
		return c.body(null, 204);
	});

	api.openapi(routes.replayFailed, async (c) => {
		const enqueued = await replayFailed(c.env, c.req.valid("param").id);
		return c.json({ enqueued }, 202);
	});

	api.openapi(routes.test, async (c) => {
		const destination = await foundDestination(c.env.HISTORY, c.req.valid("param").id);
		const type = c.req.valid("json")?.type ?? defaultTestType(destination);
		return c.json(await sendTestEvent(c.env, destination, type), 200);
	});
}
