/**
 * Admin routes for API keys kept in D1: create (the key is shown once and stored only as its
 * digest), list, read, revoke. Each key has a label (which names it in logs and repairs), a role,
 * and scopes: the entity kinds it reads, and whether it sees QI Tech's payloads.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { hex, sha256Hex } from "../../digests";
import { ApiError } from "../../errors";
import { type ApiKey, findApiKey, insertApiKey, listApiKeys, revokeApiKey } from "../../storage/api-keys";
import type { ApiEnv } from "../context";
import { errorResponses, kindSchema } from "../schemas";

const security = [{ adminKey: [] }];
const time = z.string().openapi({ format: "date-time" });
const KEY_PREFIX = "qtk_";

const apiKeySchema = z
	.object({
		id: z.string(),
		label: z.string(),
		role: z.enum(["admin", "partner"]),
		kinds: z.array(kindSchema).nullable().openapi({ description: "Entity kinds it reads; null: every kind." }),
		payloads: z.boolean().openapi({ description: "Whether events come with QI Tech's payload." }),
		prefix: z.string().openapi({ description: "The key's first characters, to recognise it." }),
		created_at: time,
		created_by: z.string(),
		expires_at: time.nullable(),
		revoked_at: time.nullable(),
		last_used_at: time.nullable().openapi({ description: "Noted at most once a minute." }),
	})
	.openapi("ApiKey");

const createBody = z
	.object({
		label: z
			.string()
			.regex(/^[A-Za-z0-9_.-]{1,64}$/, "letters, digits, _ . - (at most 64)")
			.openapi({ example: "fund-admin-portal" }),
		role: z.enum(["admin", "partner"]).default("partner"),
		kinds: z.array(kindSchema).min(1).max(20).nullable().default(null),
		payloads: z.boolean().default(true),
		expires_at: z.iso.datetime({ offset: true }).nullable().default(null),
	})
	.openapi("NewApiKey");

const json = <T extends z.ZodType>(schema: T, description: string) => ({
	description,
	content: { "application/json": { schema } },
});
const idParams = z.object({ id: z.string().min(1).max(64) });

const routes = {
	create: createRoute({
		method: "post",
		path: "/v1/api-keys",
		tags: ["API keys"],
		summary: "Create an API key; the key is shown this once",
		security,
		request: { body: { required: true, content: { "application/json": { schema: createBody } } } },
		responses: {
			201: json(apiKeySchema.extend({ key: z.string().openapi({ description: "Shown only now." }) }), "Created"),
			...errorResponses(400, 401, 403, 429),
		},
	}),
	list: createRoute({
		method: "get",
		path: "/v1/api-keys",
		tags: ["API keys"],
		summary: "Every key kept in D1 (never the keys themselves), revoked ones included",
		security,
		responses: { 200: json(z.object({ data: z.array(apiKeySchema) }), "The keys"), ...errorResponses(401, 403, 429) },
	}),
	get: createRoute({
		method: "get",
		path: "/v1/api-keys/{id}",
		tags: ["API keys"],
		summary: "One key",
		security,
		request: { params: idParams },
		responses: { 200: json(apiKeySchema, "The key"), ...errorResponses(401, 403, 404, 429) },
	}),
	revoke: createRoute({
		method: "delete",
		path: "/v1/api-keys/{id}",
		tags: ["API keys"],
		summary: "Revoke a key (within 30 s everywhere: isolates keep what D1 said that long)",
		security,
		request: { params: idParams },
		responses: { 200: json(apiKeySchema, "Revoked"), ...errorResponses(401, 403, 404, 429) },
	}),
};

function found(key: ApiKey | null, id: string): ApiKey {
	if (!key) throw new ApiError("not_found", `no API key ${id}`);
	return key;
}

export function apiKeyRoutes(api: OpenAPIHono<ApiEnv>): void {
	api.openapi(routes.create, async (c) => {
		const fields = c.req.valid("json");
		if (fields.expires_at !== null && Date.parse(fields.expires_at) <= Date.now()) {
			throw new ApiError("invalid_request", "expires_at is in the past");
		}
		const key = `${KEY_PREFIX}${hex(crypto.getRandomValues(new Uint8Array(32)))}`;
		const expires_at = fields.expires_at && new Date(fields.expires_at).toISOString();
		const created = await insertApiKey(
			c.env.HISTORY,
			{ ...fields, expires_at, created_by: c.get("identity").label },
			await sha256Hex(key),
			key.slice(0, KEY_PREFIX.length + 6),
		);
		return c.json({ ...created, key }, 201);
	});

	api.openapi(routes.list, async (c) => c.json({ data: await listApiKeys(c.env.HISTORY) }, 200));

	api.openapi(routes.get, async (c) => {
		const { id } = c.req.valid("param");
		return c.json(found(await findApiKey(c.env.HISTORY, id), id), 200);
	});

	api.openapi(routes.revoke, async (c) => {
		const { id } = c.req.valid("param");
		return c.json(found(await revokeApiKey(c.env.HISTORY, id), id), 200);
	});
}
