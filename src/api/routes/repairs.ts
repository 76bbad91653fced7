/**
 * Admins repair an entity's ledger: release or discard a quarantined event, or record a
 * correction (a new status, with a reason). Each repair is kept in the history with who did it
 * (the admin key's label) and why, goes to the D1 history, and is forwarded like any event.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { repairLedger } from "../../ledger/repairs";
import type { ApiEnv } from "../context";
import { requireAdmin } from "../roles";
import { entitySchema, errorResponses, eventSchema, kindSchema, publicEntity } from "../schemas";

const security = [{ adminKey: [] }];
const entityParams = { kind: kindSchema, key: z.string().min(1).max(512) };
const eventParams = z.object({ ...entityParams, event_id: z.string().min(1).max(128) });
const reason = z.string().trim().min(1).max(500).openapi({ description: "Why: kept in the history with the repair." });
const repaired = z
	.object({ event: eventSchema, entity: entitySchema.nullable() })
	.openapi("Repaired", { description: "The event as recorded now, and the entity after the repair." });
const json = <T extends z.ZodType>(schema: T) => ({ required: true, content: { "application/json": { schema } } });
const answer = (description: string) => ({ description, content: { "application/json": { schema: repaired } } });

const release = createRoute({
	method: "post",
	path: "/v1/entities/{kind}/{key}/events/{event_id}/release",
	tags: ["Repairs"],
	summary: "Apply a quarantined event now, judged as if it had just arrived",
	security,
	request: { params: eventParams },
	responses: { 200: answer("Released"), ...errorResponses(400, 401, 403, 404, 409, 429, 503) },
});

const discard = createRoute({
	method: "post",
	path: "/v1/entities/{kind}/{key}/events/{event_id}/discard",
	tags: ["Repairs"],
	summary: "Keep a quarantined event in the history as discarded, never applied or forwarded",
	security,
	request: { params: eventParams, body: json(z.object({ reason })) },
	responses: { 200: answer("Discarded"), ...errorResponses(400, 401, 403, 404, 409, 429, 503) },
});

const correct = createRoute({
	method: "post",
	path: "/v1/entities/{kind}/{key}/corrections",
	tags: ["Repairs"],
	summary: "Set the entity's status now, whatever its state's time, recorded as a correction",
	description: "Repairs an entity pinned by a wrong event. Later events from QI Tech are ordered after it.",
	security,
	request: {
		params: z.object(entityParams),
		body: json(z.object({ status: z.string().min(1).max(256), reason })),
	},
	responses: { 201: answer("Corrected"), ...errorResponses(400, 401, 403, 404, 429, 503) },
});

export function repairRoutes(api: OpenAPIHono<ApiEnv>): void {
	for (const route of [release, discard, correct]) api.use(route.getRoutingPath(), requireAdmin);

	api.openapi(release, async (c) => {
		const { kind, key, event_id } = c.req.valid("param");
		const repaired = await repairLedger(c.env, kind, key, c.get("identity").label, {
			action: "release",
			eventId: event_id,
		});
		return c.json(shown(repaired), 200);
	});

	api.openapi(discard, async (c) => {
		const { kind, key, event_id } = c.req.valid("param");
		const { reason } = c.req.valid("json");
		const repaired = await repairLedger(c.env, kind, key, c.get("identity").label, {
			action: "discard",
			eventId: event_id,
			reason,
		});
		return c.json(shown(repaired), 200);
	});

	api.openapi(correct, async (c) => {
		const { kind, key } = c.req.valid("param");
		const { status, reason } = c.req.valid("json");
		const repaired = await repairLedger(c.env, kind, key, c.get("identity").label, {
			action: "correct",
			status,
			reason,
		});
		return c.json(shown(repaired), 201);
	});
}

function shown({ event, entity }: Awaited<ReturnType<typeof repairLedger>>) {
	return { event, entity: entity && publicEntity(entity) };
}
