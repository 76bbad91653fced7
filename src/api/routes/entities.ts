/**
 * GET /v1/entities/{kind}/{key}: one entity and its history, from its own ledger, so an event
 * the ingress just answered 200 for is already there. GET /v1/entities: lists from D1.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { FLOWS, isEntityKind } from "../../catalog/catalog";
import { entityName } from "../../catalog/event";
import { ApiError } from "../../errors";
import { ledgerOf } from "../../ledger/ledger-of";
import { log } from "../../logger";
import type { RecordedEvent } from "../../model";
import {
	type EntityFilters,
	type EntityPosition,
	entityOrderOf,
	entityPositionOf,
	listEntities,
} from "../../storage/entity-lookups";
import type { ApiEnv } from "../context";
import { decodeCursor, encodeCursor, pageOf, pageQuery, paginate } from "../pagination";
import { entityDetailSchema, entitySchema, errorResponses, kindSchema, LINKS, publicEntity } from "../schemas";
import { forbiddenKind, listKind, mayRead } from "../scopes";
import { isoTime } from "../validation";

const security = [{ partnerKey: [] }];

const getEntity = createRoute({
	method: "get",
	path: "/v1/entities/{kind}/{key}",
	tags: ["Entities"],
	summary: "Where an entity stands and everything that happened to it",
	description: "Read from the entity's own ledger: an event is here as soon as the webhook was answered 200.",
	security,
	request: { params: z.object({ kind: kindSchema, key: z.string().min(1).max(512) }), query: z.object(pageQuery) },
	responses: {
		200: {
			description: "The entity and the newest page of its history, in flow order",
			content: { "application/json": { schema: entityDetailSchema } },
		},
		...errorResponses(400, 401, 403, 404, 429, 503),
	},
});

const related = z
	.string()
	.regex(/^[a-z_]+:.+$/, "expected <link>:<key>")
	.refine((value) => LINKS.includes(value.slice(0, value.indexOf(":"))), `link must be one of ${LINKS.join(", ")}`)
	.openapi({ description: `\`<link>:<key>\`; links: ${LINKS.join(", ")}.`, example: "assignment:A-1" });

const listQuery = z
	.object({
		kind: kindSchema.optional(),
		status: z.string().min(1).max(200).optional().openapi({ description: "Exact current status; needs `kind`." }),
		open: z
			.enum(["true", "false"])
			.optional()
			.openapi({ description: "true: status not final in the kind's flow; needs `kind`." }),
		related: related.optional(),
		updated_since: z.iso
			.datetime({ offset: true })
			.optional()
			.openapi({ description: "updated_at at or after this time." }),
		...pageQuery,
	})
	.refine((q) => q.kind !== undefined || (q.status === undefined && q.open === undefined), {
		message: "status and open need kind",
		path: ["kind"],
	});

const listEntitiesRoute = createRoute({
	method: "get",
	path: "/v1/entities",
	tags: ["Entities"],
	summary: "Entities by kind, status or related entity",
	description:
		"From the D1 history, which trails the ledgers by a moment. Ordered by (updated_at, kind, key); " +
		"with `related`, by (kind, key). E.g. `kind=asset&related=assignment:A-1`, `related=subscription:S-1`, " +
		"`kind=assignment&open=true&related=fund_class:FC-9`.",
	security,
	request: { query: listQuery },
	responses: {
		200: { description: "One page of entities", content: { "application/json": { schema: pageOf(entitySchema) } } },
		...errorResponses(400, 401, 403, 429),
	},
});

export function entityRoutes(api: OpenAPIHono<ApiEnv>): void {
	api.openapi(getEntity, async (c) => {
		const { kind, key } = c.req.valid("param");
		const { limit, cursor } = c.req.valid("query");
		if (!mayRead(c.get("identity"), kind)) throw forbiddenKind(c.get("identity"), kind);
		const before = cursor ? String(decodeCursor(cursor, HISTORY_ORDER, 1)[0]) : null;
		const page = await snapshotOf(c.env, entityName(kind, key), limit, before);
		if (!page) throw new ApiError("not_found", `no ${kind} with key ${key}`);
		return c.json(
			{
				entity: page.entity && publicEntity(page.entity),
				history: page.history.map(historyEntry),
				next_cursor: page.older && encodeCursor(HISTORY_ORDER, [page.older]),
			},
			200,
		);
	});

	api.openapi(listEntitiesRoute, async (c) => {
		const query = c.req.valid("query");
		const filters = entityFilters({ ...query, kind: listKind(c.get("identity"), query.kind) });
		const order = entityOrderOf(filters);
		const after = query.cursor
			? (decodeCursor(query.cursor, `entities.${order}`, order === "related" ? 2 : 3) as EntityPosition)
			: null;
		const rows = await listEntities(c.env.HISTORY, filters, after, query.limit + 1);
		return c.json(
			paginate(rows.map(publicEntity), query.limit, `entities.${order}`, (e) => entityPositionOf(order, e)),
			200,
		);
	});
}

const HISTORY_ORDER = "entity.history";

async function snapshotOf(env: ApiEnv["Bindings"], entity: string, limit: number, before: string | null) {
	try {
		return await ledgerOf(env, entity).snapshot(limit, before);
	} catch (err) {
		log("error", { message: "ledger unavailable for lookup", entity, error: String(err) });
		throw new ApiError("unavailable", "the entity could not be read; retry later", undefined, { "Retry-After": "1" });
	}
}

function historyEntry(e: RecordedEvent) {
	const { event_id, type, status, previous_status, occurred_at, received_at, result, anomaly, sequence, repair } = e;
	return { event_id, type, status, previous_status, occurred_at, received_at, result, anomaly, sequence, repair };
}

function entityFilters(q: z.infer<typeof listQuery>): EntityFilters {
	return {
		kind: q.kind,
		status: q.status,
		open: q.open === undefined ? undefined : q.open === "true",
		finalStatuses: q.kind && isEntityKind(q.kind) ? FLOWS[q.kind].final : [],
		related: q.related,
		updatedSince: q.updated_since === undefined ? undefined : isoTime(q.updated_since, "updated_since"),
	};
}
