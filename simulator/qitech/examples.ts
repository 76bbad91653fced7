/**
 * QI Tech's own example payloads (src/catalog/examples.json, verbatim from its five webhook pages) and
 * webhook bodies built from them with fresh keys, statuses and times; the flows' documented
 * paths read from the catalog. Used by the tests, the simulator and the bench alike.
 */
import { ENVELOPES, type EntityKind, EVENT_TYPES, type EventType, FLOWS } from "../../src/catalog/catalog";
import examples from "../../src/catalog/examples.json";

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

/** The kind's event type that QI Tech's examples show with this status (asset creation vs change). */
export function typeOf(kind: EntityKind, status: string): EventType {
	const types = (Object.keys(EVENT_TYPES) as EventType[]).filter((t) => EVENT_TYPES[t].kind === kind);
	return types.find((t) => EXAMPLES.some((e) => e.type === t && e.status === status)) ?? types[0];
}

/** The first documented path; a flow without paths (approval) is its first status alone. */
export function mainPath(kind: EntityKind): readonly string[] {
	return FLOWS[kind].paths[0] ?? FLOWS[kind].order.slice(0, 1);
}

/** For each final status, the first documented path that reaches it. */
export function pathsToEachFinal(kind: EntityKind): (readonly string[])[] {
	const paths = FLOWS[kind].final.map((final) => FLOWS[kind].paths.find((p) => p.at(-1) === final));
	return paths.filter((p) => p !== undefined);
}
