/**
 * The shapes the partner API answers with. These zod schemas are the only description of
 * them: the handlers are typed by them and the OpenAPI document is generated from them.
 */
import { z } from "@hono/zod-openapi";
import { ENTITY_KINDS, EVENT_TYPES, UNCLASSIFIED } from "../catalog/catalog";
import type { Anomaly } from "../catalog/ordering";
import { ERROR_STATUS, type ErrorCode } from "../errors";
import { type EntityState, EVENT_ANOMALIES, RECORDED_RESULTS, RESULTS } from "../model";

// Fails to compile when the ordering rules gain an anomaly the model's list lacks.
const _everyAnomaly: Record<Anomaly, true> = { unknown_status: true, unexpected_transition: true };

/** Every link an event can carry (assignment, fund_class, subscription, …), from the catalog. */
export const LINKS = [...new Set(Object.values(EVENT_TYPES).flatMap((spec) => Object.keys(spec.links)))].sort();

export const kindSchema = z.enum([...ENTITY_KINDS, UNCLASSIFIED]).openapi("EntityKind", {
	description: "The kind of entity; `unclassified` holds authentic events of types outside the catalog.",
});

const time = z.string().openapi({ format: "date-time", example: "2026-03-01T12:00:00.000Z" });
const anomaly = z.enum(EVENT_ANOMALIES).openapi("Anomaly", {
	description: "`future_timestamp`: dated more than MAX_FUTURE_SKEW_SECONDS after its arrival (quarantined).",
});
const result = z.enum(RECORDED_RESULTS).openapi("Result", {
	description:
		"`stale`: older than the current state, kept in history; `quarantined`: dated too far ahead, neither applied " +
		"nor forwarded until an admin releases it; `discarded`: a quarantined event an admin discarded.",
});
export const repairSchema = z
	.object({
		action: z.enum(["correction", "release", "discard"]),
		by: z.string().openapi({ description: "The label of the admin key that made the repair." }),
		reason: z.string().nullable(),
		at: z.string().openapi({ format: "date-time" }),
	})
	.nullable()
	.openapi("Repair", {
		description: "An admin's repair of this event, or the correction it is; null for QI Tech's own.",
	});

export const entitySchema = z
	.object({
		kind: kindSchema,
		key: z.string(),
		status: z.string().openapi({ description: "Current status: that of the latest event in flow order." }),
		occurred_at: time.openapi({ description: "Event time of the current status." }),
		updated_at: time.openapi({ description: "When the receiver got the event that set the current status." }),
		related: z.record(z.string(), z.string()).openapi({
			description: "Entities this one belongs to, link → key.",
			example: { assignment: "A-1", fund_class: "FC-9" },
		}),
		anomalies: z
			.array(z.object({ event_id: z.string(), anomaly }))
			.openapi({ description: "The newest anomalies of its applied events (at most 20)." }),
	})
	.openapi("Entity");

/** An entity as partners see it: the version is the ledger's and D1's concern. */
export function publicEntity({ version: _version, ...entity }: EntityState) {
	return entity;
}

export const historyEntrySchema = z
	.object({
		event_id: z.string(),
		type: z.string(),
		status: z.string(),
		previous_status: z.string().nullable().openapi({ description: "The entity's status when the event arrived." }),
		occurred_at: time,
		received_at: time,
		result,
		anomaly: anomaly.nullable(),
		sequence: z
			.number()
			.int()
			.openapi({ description: "1, 2, … in the order the entity's ledger recorded its events." }),
		repair: repairSchema,
	})
	.openapi("HistoryEntry");

export const entityDetailSchema = z
	.object({
		entity: entitySchema.nullable().openapi({ description: "null while every event of the entity is quarantined." }),
		history: z
			.array(historyEntrySchema)
			.openapi({ description: "The newest `limit` events before `cursor`, in flow order." }),
		next_cursor: z
			.string()
			.nullable()
			.openapi({ description: "Pass as `cursor` for the older events; null on the oldest page." }),
	})
	.openapi("EntityDetail");

export const eventSchema = z
	.object({
		event_id: z.string(),
		type: z.string(),
		kind: kindSchema,
		key: z.string(),
		status: z.string(),
		previous_status: z.string().nullable(),
		occurred_at: time,
		received_at: time,
		result,
		anomaly: anomaly.nullable(),
		signature_scheme: z.string().openapi({ description: "hs256, hmac, es512; `admin` for a correction." }),
		binding: z.string().openapi({ description: "What the signature bound of the request." }),
		sequence: z.number().int(),
		repair: repairSchema,
	})
	.openapi("Event");

export const eventWithPayloadSchema = eventSchema
	.extend({
		payload: z.string().optional().openapi({
			description:
				"The request body exactly as received; absent for a key without payload scope, or once PAYLOADS_RETENTION_DAYS deleted it.",
		}),
		payload_expired: z
			.literal(true)
			.optional()
			.openapi({ description: "Present when the payload was deleted by payload retention." }),
	})
	.openapi("EventWithPayload");

export const OUTCOMES = [...RESULTS, "rejected", "suppressed"] as const;

export const receiptSchema = z
	.object({
		id: z.number().int().openapi({
			description: "With `received_at`, the receipt's key: orders receipts of the same millisecond, not a sequence.",
		}),
		received_at: time,
		outcome: z
			.enum(OUTCOMES)
			.openapi({ description: "`suppressed`: `count` rejections folded into one row during a flood." }),
		reason: z.string().nullable().openapi({ description: "Error code of a rejection, e.g. `invalid_signature`." }),
		event_id: z.string().nullable(),
		entity: z.string().nullable(),
		body_sha256: z.string().nullable(),
		body_size: z.number().int(),
		client_ip: z.string().nullable(),
		signature_scheme: z.string().nullable(),
		count: z.number().int(),
		client_ips: z.array(z.string()).nullable().openapi({
			description: "`suppressed`: distinct client addresses of the folded rejections (at most 20).",
		}),
		body_digests: z.array(z.string()).nullable().openapi({
			description: "`suppressed`: distinct body SHA-256 digests of the folded rejections (at most 20).",
		}),
	})
	.openapi("Receipt");

export const errorSchema = z
	.object({
		error: z.object({
			code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
			message: z.string(),
			details: z.unknown().optional().openapi({ description: "For `invalid_request`, the zod issues." }),
		}),
	})
	.openapi("Error");

// `satisfies`, not a type annotation: an undescribed status must fail to compile.
const ERROR_DESCRIPTIONS = {
	400: "Invalid request (`invalid_request`, with the issues in `details`)",
	401: "Missing or wrong key (`unauthorized`)",
	403: "This key may not use this route: it needs an admin key (`forbidden`)",
	404: "Not found (`not_found`)",
	409: "The request conflicts with the current state (`conflict`)",
	429: "Too many requests for this key (`rate_limited`)",
	503: "Temporarily unavailable (`unavailable`)",
} as const satisfies Record<number, string>;

const retryAfter = {
	"Retry-After": { description: "Seconds to wait before retrying.", schema: { type: "string" as const } },
};

/** One OpenAPI error response, in the one error shape. */
export function errorResponse(description: string, withRetryAfter = false) {
	const content = { "application/json": { schema: errorSchema } };
	return withRetryAfter ? { description, content, headers: retryAfter } : { description, content };
}

/** The partner API's error responses for these statuses. */
export function errorResponses<S extends keyof typeof ERROR_DESCRIPTIONS & number>(...statuses: S[]) {
	return Object.fromEntries(
		statuses.map((s) => [s, errorResponse(ERROR_DESCRIPTIONS[s], s === 429 || s === 503)]),
	) as Record<S, ReturnType<typeof errorResponse>>;
}
