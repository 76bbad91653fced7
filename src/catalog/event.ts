/**
 * From a parsed webhook body to a classified event: its type, entity, status, time and
 * identity. Pure: no bindings, runs anywhere WebCrypto does.
 */
import { z } from "zod";
import { sha256Hex } from "../digests";
import {
	type AnyKind,
	ENVELOPES,
	type EnvelopeName,
	EVENT_TYPES,
	type EventTypeSpec,
	isEventType,
	UNCLASSIFIED,
} from "./catalog";
import { isKnownStatus } from "./ordering";

export interface QitechEvent {
	event_id: string;
	type: string;
	kind: AnyKind;
	key: string;
	/** `kind:key`, the name of the entity's ledger. */
	entity: string;
	status: string;
	known_status: boolean;
	/** Event time normalised by `new Date(t).toISOString()`. */
	occurred_at: string;
	/** Links to other entities, by link name (assignment, fund_class, subscription, …). */
	related: Record<string, string>;
}

/** Keys, statuses, types and links longer than this are refused: they name ledgers and fill rows. */
export const MAX_FIELD_CHARS = 256;

const eventTime = z.iso.datetime({ offset: true, local: true });
const bounded = z.string().min(1).max(MAX_FIELD_CHARS);
const dataObject = z.looseObject({});

function envelopeOf(name: EnvelopeName) {
	const fields = ENVELOPES[name];
	return z.looseObject({ [fields.type]: bounded, [fields.time]: eventTime, [fields.data]: dataObject });
}

export const envelopeSchema = z.union([envelopeOf("A"), envelopeOf("B")]);

const dataSchemas = new Map<string, z.ZodType<Record<string, unknown>>>();

function dataSchemaOf(type: string, spec: EventTypeSpec): z.ZodType<Record<string, unknown>> {
	let schema = dataSchemas.get(type);
	if (!schema) {
		// A link that is a string is bounded too; one of another type stays in the payload, unlinked.
		const links = Object.values(spec.links).map((field) => [field, z.unknown().optional()] as const);
		schema = z
			.looseObject({ [spec.key]: bounded, [spec.status]: bounded, ...Object.fromEntries(links) })
			.superRefine((data, ctx) => {
				for (const field of Object.values(spec.links)) {
					const value = data[field];
					if (typeof value === "string" && value.length > MAX_FIELD_CHARS) {
						ctx.addIssue({
							code: "custom",
							path: [field],
							message: `Too big: more than ${MAX_FIELD_CHARS} characters`,
						});
					}
				}
			});
		dataSchemas.set(type, schema);
	}
	return schema;
}

export type ParseResult = { ok: true; event: QitechEvent } | { ok: false; issues: z.core.$ZodIssue[] };

const issue = (message: string, path: PropertyKey[] = []): ParseResult => ({
	ok: false,
	issues: [{ code: "custom", message, path, input: undefined }],
});

/** The envelope form a body uses, or null when it uses both: which type or time would count? */
function formOf(body: Record<string, unknown>): EnvelopeName | null {
	const uses = (name: EnvelopeName) => Object.values(ENVELOPES[name]).some((field) => Object.hasOwn(body, field));
	if (uses("A") && uses("B")) return null;
	return uses("A") ? "A" : "B";
}

/** `raw` is the body as received: the identity of an unclassified event is its digest. */
export async function classify(body: unknown, raw: Uint8Array): Promise<ParseResult> {
	if (typeof body !== "object" || body === null || Array.isArray(body)) return issue("the body is not a JSON object");
	const form = formOf(body as Record<string, unknown>);
	if (form === null) {
		return issue("the body mixes both envelope forms (event_type/event_datetime/event_data, webhook_type/…/data)");
	}
	const envelope = envelopeOf(form).safeParse(body);
	if (!envelope.success) return { ok: false, issues: envelope.error.issues };
	const fields = ENVELOPES[form];
	const type = envelope.data[fields.type] as string;
	const occurred_at = normaliseTime(envelope.data[fields.time] as string);
	const data = envelope.data[fields.data] as Record<string, unknown>;

	if (!isEventType(type)) {
		const status = typeof data.status === "string" && data.status !== "" ? data.status : "received";
		if (status.length > MAX_FIELD_CHARS)
			return issue(`Too big: expected string to have <=${MAX_FIELD_CHARS} characters`, [fields.data, "status"]);
		const { event_id, kind, key, entity } = unclassifiedIdentity(await sha256Hex(raw));
		return {
			ok: true,
			event: {
				event_id,
				type,
				kind,
				key,
				entity,
				status,
				known_status: true,
				occurred_at,
				related: {},
			},
		};
	}
	const spec: EventTypeSpec = EVENT_TYPES[type];
	const parsed = dataSchemaOf(type, spec).safeParse(data);
	if (!parsed.success) {
		return { ok: false, issues: parsed.error.issues.map((i) => ({ ...i, path: [fields.data, ...i.path] })) };
	}
	const key = data[spec.key] as string;
	const status = data[spec.status] as string;
	const entity = entityName(spec.kind, key);
	return {
		ok: true,
		event: {
			event_id: await eventIdOf(type, entity, status, occurred_at),
			type,
			kind: spec.kind,
			key,
			entity,
			status,
			known_status: isKnownStatus(spec.kind, status),
			occurred_at,
			related: linksOf(spec, data),
		},
	};
}

/** The links an event's body carries (empty for a type outside the catalog or a body that is not one). */
export function relatedOf(type: string, body: string): Record<string, string> {
	if (!isEventType(type)) return {};
	const spec: EventTypeSpec = EVENT_TYPES[type];
	const data = (JSON.parse(body) as Record<string, unknown>)[ENVELOPES[spec.envelope].data];
	return typeof data === "object" && data !== null ? linksOf(spec, data as Record<string, unknown>) : {};
}

function linksOf(spec: EventTypeSpec, data: Record<string, unknown>): Record<string, string> {
	const related: Record<string, string> = {};
	for (const [link, field] of Object.entries(spec.links)) {
		const value = data[field];
		if (typeof value === "string" && value !== "") related[link] = value;
	}
	return related;
}

/** `kind:key`: the name of an entity's ledger, and part of its events' identity. */
export function entityName(kind: string, key: string): string {
	return `${kind}:${key}`;
}

export function normaliseTime(time: string): string {
	return new Date(time.includes("T") && !/[zZ]|[+-]\d\d:?\d\d$/.test(time) ? `${time}Z` : time).toISOString();
}

/**
 * A type outside the catalog: the event is known by `digest`, the SHA-256 of its body as
 * received, and is an entity of its own named after it.
 */
export function unclassifiedIdentity(digest: string): Pick<QitechEvent, "event_id" | "kind" | "key" | "entity"> {
	return { event_id: digest, kind: UNCLASSIFIED, key: digest, entity: entityName(UNCLASSIFIED, digest) };
}

/** The input of the documented identity: type, entity, status and normalised time, a line each. */
export function eventIdentity(type: string, entity: string, status: string, occurredAt: string): string {
	return `${type}\n${entity}\n${status}\n${occurredAt}`;
}

/** The documented identity: SHA-256 of `eventIdentity`. */
export function eventIdOf(type: string, entity: string, status: string, occurredAt: string): Promise<string> {
	return sha256Hex(eventIdentity(type, entity, status, occurredAt));
}
