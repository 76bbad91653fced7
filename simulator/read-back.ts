/**
 * Final statuses read back through the partner lookup API (GET /v1/entities/{kind}/{key}),
 * which reads each entity's own ledger: what a partner would see right after the run.
 */
import type { PlannedEntity } from "./plan";

export interface ReadBack {
	/** Statuses by `kind:key` (null: the API has no such entity). */
	statuses: Map<string, string | null>;
	/** Why some were not checked (none unchecked: null). */
	unchecked: string | null;
}

/** Lookups per run: the API is rate limited per key (wrangler.toml, LOOKUP_RATE_LIMITER). */
export const MAX_LOOKUPS = 300;

export async function readBack(
	baseUrl: string,
	partnerKey: string | null,
	entities: readonly PlannedEntity[],
	concurrency = 8,
): Promise<ReadBack> {
	if (!partnerKey) return { statuses: new Map(), unchecked: "no partner key" };
	const sample = spread(entities, MAX_LOOKUPS);
	const statuses = new Map<string, string | null>();
	let refusal: string | null = null;
	let next = 0;
	const worker = async () => {
		while (next < sample.length && refusal === null) {
			const e = sample[next++];
			const found = await lookup(baseUrl, partnerKey, e);
			if (typeof found === "object" && found !== null) refusal = found.refusal;
			else statuses.set(`${e.kind}:${e.key}`, found);
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	const sampled = sample.length < entities.length ? "a sample: the API is rate limited per key" : null;
	return { statuses, unchecked: refusal ?? sampled };
}

async function lookup(
	baseUrl: string,
	partnerKey: string,
	e: PlannedEntity,
): Promise<string | null | { refusal: string }> {
	const url = `${baseUrl}/v1/entities/${encodeURIComponent(e.kind)}/${encodeURIComponent(e.key)}`;
	const response = await fetch(url, { headers: { authorization: `Bearer ${partnerKey}` } }).catch(() => null);
	if (!response) return { refusal: "lookup API unreachable" };
	const body = (await response.json().catch(() => null)) as {
		entity?: { status?: string };
		error?: { message?: string };
	} | null;
	if (response.status === 200 && body?.entity?.status) return body.entity.status;
	if (response.status === 404 && body?.error?.message?.startsWith("no route"))
		return { refusal: "no lookup API on this receiver" };
	if (response.status === 404) return null;
	return { refusal: `lookup API answered ${response.status}` };
}

/** At most `max` entities, evenly spread over the run. */
function spread<T>(items: readonly T[], max: number): T[] {
	if (items.length <= max) return [...items];
	return Array.from({ length: max }, (_, i) => items[Math.floor((i * items.length) / max)]);
}
