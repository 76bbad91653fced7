/**
 * Realistic data for the console's pages: every documented flow, four instances each, shuffled and
 * resent once (so some events are stale and some duplicated), a healthy and a failing destination,
 * refused signatures, and open alerts; then waits until the history and the deliveries are in D1.
 */
import { env, exports } from "cloudflare:workers";
import { buildPlan, FLOW_NAMES, type Plan } from "../../simulator/plan";
import { type Outcome, runPlan } from "../../simulator/run";
import { raise } from "../../src/alerts/lifecycle";
import type { Destination } from "../../src/storage/destinations";
import { destinationFor, PartnerEndpoint } from "../support/partner";
import { readUntil } from "../support/poll";
import { post, signer, WEBHOOK_URL } from "../support/webhook";

export interface Seeded {
	plan: Plan;
	outcomes: Outcome[];
	healthy: Destination;
	failing: Destination;
	failingEndpoint: PartnerEndpoint;
	/** An entity whose older step arrived after a newer one: `kind`, `key`, the stale status. */
	stale: { kind: string; key: string; status: string };
}

export async function seedConsole(): Promise<Seeded> {
	const failingEndpoint = new PartnerEndpoint();
	await failingEndpoint.behave({ down: true, status: 503 });
	const healthy = await destinationFor(new PartnerEndpoint(), { event_types: ["*"] });
	const failing = await destinationFor(failingEndpoint, { event_types: ["settlement.*"] });
	const plan = buildPlan({ flows: FLOW_NAMES, entities: 4, duplicates: 1, shuffle: true, seed: 20261117 });
	const outcomes = await runPlan(plan, {
		send: (body, headers) => exports.default.fetch(WEBHOOK_URL, { method: "POST", body, headers }),
		sign: (body) => signer.headers(body, { scheme: "hs256", url: WEBHOOK_URL }),
		concurrency: 4,
		retries: 0,
	});
	for (let i = 0; i < 5; i++) await post('{"event_type":"x"}', { signature: "not-a-signature" });
	const staleOutcome = outcomes.find((o) => o.answer === "stale");
	if (!staleOutcome) throw new Error("the seed sent no stale event");
	const stale = { kind: staleOutcome.webhook.kind, key: staleOutcome.webhook.key, status: staleOutcome.webhook.status };
	await raise(env, [
		{
			kind: "entity.stuck",
			subject: `${stale.kind}:${stale.key}`,
			details: { entity_kind: stale.kind, entity_key: stale.key },
		},
		{ kind: "delivery.dead", subject: failing.id, details: { destination_id: failing.id }, count: 2 },
	]);
	await untilRecorded(outcomes.filter((o) => o.answer === "accepted" || o.answer === "stale").length);
	return { plan, outcomes, healthy, failing, failingEndpoint, stale };
}

async function untilRecorded(events: number, timeoutMs = 20_000): Promise<void> {
	const count = async (table: string) =>
		(await env.HISTORY.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>())?.n ?? 0;
	const counts = async () => ({ events: await count("events"), deliveries: await count("deliveries") });
	// Called from beforeAll, where expect.poll is not allowed.
	await readUntil(counts, (n) => n.events >= events && n.deliveries > 0, timeoutMs);
}

/** Compressed as a browser would receive it. */
export async function gzipSize(text: string): Promise<number> {
	const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
	return (await new Response(stream).arrayBuffer()).byteLength;
}
