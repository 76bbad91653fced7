/** GET /v1/exports and GET /v1/exports/{kind}/{date}: the daily exports (admin keys only; see partner-api.ts). */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { ApiError } from "../../errors";
import { type ExportPosition, exportListQuery, findExport } from "../../storage/export-lookups";
import { EXPORT_KINDS } from "../../storage/export-schema";
import { type ExportState, exportKey } from "../../storage/exports";
import type { ApiEnv } from "../context";
import { decodeCursor, pageOf, pageQuery, paginate } from "../pagination";
import { errorResponses } from "../schemas";

const ORDER = "exports";
const security = [{ adminKey: [] }];
const time = z.string().openapi({ format: "date-time" });
const day = z.iso.date().openapi({ description: "A UTC day, YYYY-MM-DD.", example: "2026-11-30" });

const exportSchema = z
	.object({
		kind: z.enum(EXPORT_KINDS),
		day,
		status: z.enum(["running", "done"]).openapi({ description: "`running`: resumed by the next Cron runs." }),
		rows: z.number().int().openapi({ description: "Rows exported so far." }),
		bytes: z.number().int().nullable().openapi({ description: "The gzip file's size, once done." }),
		key: z.string().openapi({ description: "The R2 object: `exports/<kind>/<day>.ndjson.gz`." }),
		started_at: time,
		finished_at: time.nullable(),
	})
	.openapi("Export");

const listQuery = z.object({
	kind: z.enum(EXPORT_KINDS).optional(),
	since: day.optional().openapi({ description: "Days on or after this one." }),
	until: day.optional().openapi({ description: "Days before this one." }),
	...pageQuery,
});

const listRoute = createRoute({
	method: "get",
	path: "/v1/exports",
	tags: ["Exports"],
	summary: "Daily exports of the history, oldest day first",
	description: "One per kind and UTC day, made by the Cron Trigger after the day. Ordered by (day, kind).",
	security,
	request: { query: listQuery },
	responses: {
		200: { description: "One page of exports", content: { "application/json": { schema: pageOf(exportSchema) } } },
		...errorResponses(400, 401, 403, 429),
	},
});

const getRoute = createRoute({
	method: "get",
	path: "/v1/exports/{kind}/{date}",
	tags: ["Exports"],
	summary: "One day's export: NDJSON, gzip",
	description: "One JSON object per row, its columns as stored; events with `payload` as received (null once expired).",
	security,
	request: { params: z.object({ kind: z.enum(EXPORT_KINDS), date: day }) },
	responses: {
		200: {
			description: "The gzip file, streamed",
			content: { "application/gzip": { schema: z.string().openapi({ format: "binary" }) } },
		},
		...errorResponses(400, 401, 403, 404, 429),
	},
});

const view = ({ kind, day, status, rows, bytes, started_at, finished_at }: ExportState) => ({
	kind,
	day,
	status,
	rows,
	bytes,
	key: exportKey(kind, day),
	started_at,
	finished_at,
});

export function exportRoutes(api: OpenAPIHono<ApiEnv>): void {
	api.openapi(listRoute, async (c) => {
		const { cursor, limit, ...filters } = c.req.valid("query");
		const after = cursor ? (decodeCursor(cursor, ORDER, 2) as ExportPosition) : null;
		const rows = await exportListQuery(c.env.HISTORY, filters, after, limit + 1);
		return c.json(
			paginate(rows.map(view), limit, ORDER, (e) => [e.day, e.kind]),
			200,
		);
	});

	api.openapi(getRoute, async (c) => {
		const { kind, date } = c.req.valid("param");
		const state = await findExport(c.env.HISTORY, kind, date);
		const object = state?.status === "done" ? await c.env.PAYLOADS?.get(exportKey(kind, date)) : null;
		if (!object) throw new ApiError("not_found", `no finished export of ${kind} for ${date}`);
		return new Response(object.body, {
			headers: {
				"content-type": "application/gzip",
				"content-length": String(object.size),
				"content-disposition": `attachment; filename="${kind}-${date}.ndjson.gz"`,
				etag: object.httpEtag,
			},
		});
	});
}
