/**
 * From a parsed webhook body to a classified event: its type, entity, status, time and
 * identity. Pure: no bindings, runs anywhere WebCrypto does.
 */
import { z } from "zod";
import { sha256Hex } from "../digests";
import { type AnyKind, ENVELOPES, EVENT_TYPES, type EventTypeSpec, isEventType, UNCLASSIFIED } from "./catalog";
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

const eventTime = z.iso.datetime({ offset: true, local: true });
const dataObject = z.looseObject({});

export const envelopeSchema = z.union([
	z.looseObject({
		[ENVELOPES.A.type]: z.string().min(1),
		[ENVELOPES.A.time]: eventTime,
		[ENVELOPES.A.data]: dataObject,
	}),
	z.looseObject({
		[ENVELOPES.B.type]: z.string().min(1),
		[ENVELOPES.B.time]: eventTime,
		[ENVELOPES.B.data]: dataObject,
	}),
]);

const dataSchemas = new Map<string, z.ZodType<Record<string, unknown>>>();

function dataSchemaOf(type: string, spec: EventTypeSpec): z.ZodType<Record<string, unknown>> {
	let schema = dataSchemas.get(type);
	if (!schema) {
		schema = z.looseObject({ [spec.key]: z.string().min(1), [spec.status]: z.string().min(1) });
		dataSchemas.set(type, schema);
	}
	return schema;
}

export type ParseResult = { ok: true; event: QitechEvent } | { ok: false; issues: z.core.$ZodIssue[] };

/** `raw` is the body as received: the identity of an unclassified event is its digest. */
export async function classify(body: unknown, raw: Uint8Array): Promise<ParseResult> {
	const envelope = envelopeSchema.safeParse(body);
	if (!envelope.success) return { ok: false, issues: envelope.error.issues };
	const fields = ENVELOPES[ENVELOPES.A.type in envelope.data ? "A" : "B"];
	const type = envelope.data[fields.type] as string;
	const occurred_at = normaliseTime(envelope.data[fields.time] as string);
	const data = envelope.data[fields.data] as Record<string, unknown>;

	if (!isEventType(type)) {
		const status = typeof data.status === "string" && data.status !== "" ? data.status : "received";
		const event_id = await sha256Hex(raw);
		const entity = entityName(UNCLASSIFIED, type);
		return {
			ok: true,
			event: {
				event_id,
				type,
				kind: UNCLASSIFIED,
				key: type,
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

/** The input of the documented identity: type, entity, status and normalised time, a line each. */
export function eventIdentity(type: string, entity: string, status: string, occurredAt: string): string {
	return `${type}\n${entity}\n${status}\n${occurredAt}`;
}

/** The documented identity: SHA-256 of `eventIdentity`. */
export function eventIdOf(type: string, entity: string, status: string, occurredAt: string): Promise<string> {
	return sha256Hex(eventIdentity(type, entity, status, occurredAt));
}
