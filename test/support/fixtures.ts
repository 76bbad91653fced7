/**
 * QI Tech's own example payloads (test/fixtures/qitech-examples.json, copied verbatim from
 * its five webhook pages) and events built from them with fresh keys, statuses and times.
 */
import { ENVELOPES, EVENT_TYPES, type EventType } from "../../src/catalog/catalog";
import examples from "../fixtures/qitech-examples.json";

export interface Example {
	page: string;
	title: string;
	type: EventType;
	entity: string;
	status: string;
	/** The body exactly as printed on QI Tech's page. */
	body: string;
}

export const EXAMPLES = examples as Example[];

export interface EventSpec {
	type: EventType;
	key?: string;
	status: string;
	at?: string;
	/** Replaces the link fields (assignment_external_id, subscription_key, …) by link name. */
	links?: Record<string, string>;
	/** Extra data fields. */
	extra?: Record<string, unknown>;
}

/** A body built from the first real example of the type: same shape, your values. */
export function eventBody(spec: EventSpec): string {
	const example = EXAMPLES.find((e) => e.type === spec.type && e.status !== "STATUS");
	if (!example) throw new Error(`no example of ${spec.type}`);
	const body = JSON.parse(example.body) as Record<string, unknown>;
	const type = EVENT_TYPES[spec.type];
	const fields = ENVELOPES[type.envelope];
	const data = { ...(body[fields.data] as Record<string, unknown>), ...spec.extra };
	data[type.key] = spec.key ?? crypto.randomUUID();
	data[type.status] = spec.status;
	for (const [link, value] of Object.entries(spec.links ?? {})) {
		data[(type.links as Record<string, string>)[link]] = value;
	}
	if (spec.at) body[fields.time] = spec.at;
	body[fields.data] = data;
	return JSON.stringify(body);
}
