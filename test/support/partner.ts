/** Destinations pointing at the stand-in partner worker, and what it received. */
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { createDestination } from "../../src/notifications/destinations";
import type { Destination } from "../../src/storage/destinations";

export interface Received {
	headers: Record<string, string>;
	body: string;
	at: number;
	/** Requests to this path not yet answered when this one arrived, itself included. */
	in_flight: number;
}

export interface Behaviour {
	failTimes?: number;
	down?: boolean;
	status?: number;
	/** Sent as Retry-After with every refusal (down, failTimes, failIds). */
	retryAfter?: number;
	/** Answer every request with a redirect (status 301 unless told) to this URL. */
	redirectTo?: string;
	/** Refuse (503) the first request of every webhook-id. */
	failFirstOf?: boolean;
	/** Always refuse (500) these webhook-ids. */
	failIds?: string[];
	/** Answer every request with this JSON body (status 200 unless told). */
	json?: unknown;
	/** A slow partner: answer each request this many milliseconds after it arrived. */
	holdMs?: number;
}

export class PartnerEndpoint {
	readonly path: string;
	readonly url: string;

	/** `name` makes the path readable in failures, e.g. `slack-<uuid>`; `path` names the whole path instead. */
	constructor(name = crypto.randomUUID(), path = `/hooks/${name}`) {
		this.path = path;
		this.url = `https://partner.example${this.path}`;
	}

	async behave(behaviour: Behaviour): Promise<void> {
		await env.PARTNER.fetch(`https://partner/__control${this.path}`, {
			method: "PUT",
			body: JSON.stringify(behaviour),
		});
	}

	async received(): Promise<Received[]> {
		return (await env.PARTNER.fetch(`https://partner/__control${this.path}`)).json();
	}

	/** Requests that answered 2xx are not known here; every request the partner saw is. */
	async webhookIds(): Promise<string[]> {
		return (await this.received()).map((r) => r.headers["webhook-id"]);
	}

	/** Verifies each request with the standardwebhooks package, not with our own code. */
	async verifiedBodies(secret: string): Promise<unknown[]> {
		const webhook = new Webhook(secret);
		return (await this.received()).map((r) => webhook.verify(r.body, r.headers));
	}
}

/** A destination (created as an admin would) with its secret in clear, to verify what it receives. */
export async function destinationFor(
	endpoint: PartnerEndpoint,
	fields: Partial<
		Pick<
			Destination,
			| "event_types"
			| "kinds"
			| "include_stale"
			| "enabled"
			| "ordering"
			| "filter"
			| "payload"
			| "max_per_second"
			| "max_in_flight"
		>
	> = {},
): Promise<Destination> {
	const { destination, secret } = await createDestination(env, {
		url: endpoint.url,
		event_types: fields.event_types ?? ["*"],
		kinds: fields.kinds ?? null,
		include_stale: fields.include_stale ?? false,
		enabled: fields.enabled ?? true,
		...fields,
	});
	return { ...destination, secret };
}

export async function deliveryRow(eventId: string, destinationId: string) {
	return env.HISTORY.prepare("SELECT * FROM deliveries WHERE event_id = ? AND destination_id = ?")
		.bind(eventId, destinationId)
		.first<{ attempts: number; outcome: string; last_status_code: number | null; last_error: string | null }>();
}
