/**
 * The webhook route is plain Hono (it must read its raw body itself), so it is described here
 * for the OpenAPI document rather than validated by it.
 */
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { envelopeSchema } from "../../catalog/event";
import { MAX_BODY_BYTES } from "../../ingress/body";
import { WEBHOOK_PATH } from "../../ingress/webhook-path";
import { RESULTS, type Verdict } from "../../model";
import { errorResponse } from "../schemas";

const verdictSchema = z
	.object({
		result: z.enum(RESULTS).openapi({
			description:
				"`quarantined`: dated too far ahead of its arrival; kept, not applied, not forwarded. QI Tech need not resend.",
		}),
		event_id: z.string(),
		entity: z.string().openapi({ description: "`kind:key`", example: "asset:A-1" }),
		status: z
			.string()
			.nullable()
			.openapi({ description: "The entity's status after this event (null: it has none yet)." }),
	})
	.openapi("Verdict");
// Fails to compile if the ingress's answer and its description drift apart.
const _sameVerdict: Verdict = {} as z.infer<typeof verdictSchema>;

export function registerIngressPath(registry: OpenAPIHono["openAPIRegistry"]): void {
	registry.registerComponent("securitySchemes", "qitechSignature", {
		type: "apiKey",
		in: "header",
		name: "Signature",
		description: "HS256 JWT or bare HMAC-SHA256 of the body, under one of QITECH_HMAC_KEYS.",
	});
	registry.registerComponent("securitySchemes", "qitechEs512", {
		type: "apiKey",
		in: "header",
		name: "Authorization",
		description: "ES512 JWT under QITECH_ES512_PUBLIC_KEY, with API-CLIENT-KEY when configured.",
	});
	registry.registerPath({
		method: "post",
		path: WEBHOOK_PATH,
		tags: ["Webhooks"],
		summary: "QI Tech's webhook callback",
		description: "Verifies, deduplicates, orders and records one event; a 200 means the event is durable.",
		security: [{ qitechSignature: [] }, { qitechEs512: [] }],
		request: { body: { required: true, content: { "application/json": { schema: envelopeSchema } } } },
		responses: {
			200: { description: "Recorded, or already known", content: { "application/json": { schema: verdictSchema } } },
			400: errorResponse("Not JSON (`invalid_json`) or not a QI Tech envelope (`invalid_payload`)"),
			401: errorResponse("No signature (`missing_signature`) or a wrong one (`invalid_signature`)"),
			403: errorResponse("Caller outside QITECH_ALLOWED_IPS (`forbidden_ip`)"),
			413: errorResponse(`Body over ${MAX_BODY_BYTES / 1024} KiB (\`payload_too_large\`)`),
			503: errorResponse("Not recorded (`unavailable`): QI Tech retries", true),
		},
	});
	registry.registerPath({
		method: "get",
		path: "/healthz",
		tags: ["Operations"],
		summary: "Liveness",
		responses: {
			200: { description: "Up", content: { "application/json": { schema: z.object({ ok: z.literal(true) }) } } },
		},
	});
}
