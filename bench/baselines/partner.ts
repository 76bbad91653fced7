/**
 * The stand-in partner of the `mix-forwarding` scenario: the receiver's destinations point at it.
 * `/ordered` refuses (503) the first attempt of every webhook-id and accepts the second; `/plain`
 * accepts every attempt. It counts what it received and, for `/ordered` (a destination ordered by
 * entity), checks that each entity's events were accepted in sequence order. GET
 * /__bench/received reads it. Never deployed.
 */

interface Endpoint {
	requests: number;
	refused: number;
	/** webhook-ids answered 2xx; one accepted again (an at-least-once redelivery) counts in `repeated`. */
	accepted: Set<string>;
	repeated: number;
}

const endpoints = new Map<string, Endpoint>();
/** webhook-ids whose first attempt `/ordered` refused. */
const refused = new Set<string>();
/** Per entity, the sequence of the last event `/ordered` accepted. */
const lastSequence = new Map<string, number>();
const outOfOrder: { entity: string; sequence: number; after: number }[] = [];

function endpointOf(path: string): Endpoint {
	let endpoint = endpoints.get(path);
	if (!endpoint) {
		endpoint = { requests: 0, refused: 0, accepted: new Set(), repeated: 0 };
		endpoints.set(path, endpoint);
	}
	return endpoint;
}

function inOrder(body: { entity: { kind: string; key: string }; sequence: number }): void {
	const entity = `${body.entity.kind}:${body.entity.key}`;
	const after = lastSequence.get(entity) ?? 0;
	if (body.sequence <= after) outOfOrder.push({ entity, sequence: body.sequence, after });
	else lastSequence.set(entity, body.sequence);
}

function received(): Response {
	const counts = Object.fromEntries([...endpoints].map(([path, e]) => [path, { ...e, accepted: e.accepted.size }]));
	return Response.json({
		endpoints: counts,
		ordered_entities: lastSequence.size,
		out_of_order: { count: outOfOrder.length, first: outOfOrder.slice(0, 5) },
	});
}

export default {
	async fetch(request) {
		const path = new URL(request.url).pathname;
		if (path === "/__bench/received") return received();
		const endpoint = endpointOf(path);
		endpoint.requests++;
		const id = request.headers.get("webhook-id") ?? "";
		const ordered = path === "/ordered";
		if (ordered && !refused.has(id)) {
			refused.add(id);
			endpoint.refused++;
			return new Response("first attempt refused", { status: 503 });
		}
		if (endpoint.accepted.has(id)) endpoint.repeated++;
		else {
			endpoint.accepted.add(id);
			if (ordered) inOrder(await request.json());
		}
		return Response.json({ ok: true });
	},
} satisfies ExportedHandler;
