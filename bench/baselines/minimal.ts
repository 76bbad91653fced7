/**
 * What `floor` and `full` share: the least a webhook takes in the design's shape. Verify the
 * signature alone (a bare HMAC of the body in `Signature`, or an ES512 JWT in `Authorization`
 * whose signature is all that is checked), name the entity, ask its Durable Object to insert the
 * event id into its SQLite storage if absent, answer `accepted` or `duplicate`. No claims, no
 * zod, no ordering, no outbox. Both count what Cloudflare would bill (bench/meters).
 */
import { DurableObject } from "cloudflare:workers";
import { Hono } from "hono";
import { jwtVerify } from "jose";
import { EVENT_TYPES, isEventType } from "../../src/catalog/catalog";
import { fromHex, sha256Hex } from "../../src/digests";
import { signatureConfig } from "../../src/ingress/signature/config";
import { WEBHOOK_PATH } from "../../src/ingress/webhook-path";
import type { SettingsEnv } from "../../src/settings";
import { COUNTERS_PATH, counters, countersResponse, isBenchPath } from "../meters/counters";
import { durableRequest, meterStorage } from "../meters/sql";

export type Result = "accepted" | "duplicate";

export interface Webhook {
	eventId: string;
	entity: string;
	body: string;
}

export class MinimalLedger<Env> extends DurableObject<Env> {
	constructor(ctx: DurableObjectState, env: Env) {
		meterStorage(ctx.storage);
		super(ctx, env);
		ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS events (event_id TEXT PRIMARY KEY)");
	}

	/** True if the event id was new. */
	protected insert(eventId: string): boolean {
		const insert = this.ctx.storage.sql.exec(
			"INSERT INTO events (event_id) VALUES (?) ON CONFLICT DO NOTHING",
			eventId,
		);
		return insert.rowsWritten > 0;
	}

	eventIds(): string[] {
		return durableRequest(() =>
			this.ctx.storage.sql
				.exec<{ event_id: string }>("SELECT event_id FROM events")
				.toArray()
				.map((r) => r.event_id),
		);
	}
}

interface Ledger {
	eventIds(): Promise<string[]> | string[];
}

/** The webhook route and the entity lookup, over the worker's own ledgers. */
export function minimalApp<Env extends SettingsEnv>(
	ledgerOf: (env: Env, entity: string) => Ledger,
	record: (env: Env, webhook: Webhook) => Promise<Result>,
) {
	const app = new Hono<{ Bindings: Env }>();
	app.get(COUNTERS_PATH, () => countersResponse());
	app.use(async (c, next) => {
		if (!isBenchPath(c.req.path)) counters.worker_requests++;
		await next();
	});
	app.post(WEBHOOK_PATH, async (c) => {
		const bytes = new Uint8Array(await c.req.arrayBuffer());
		if (!(await verifies(c.env, c.req.raw.headers, bytes))) return c.json({ error: "invalid_signature" }, 401);
		const body = new TextDecoder().decode(bytes);
		const webhook = { eventId: await sha256Hex(bytes), entity: entityOf(JSON.parse(body)), body };
		const result = await record(c.env, webhook);
		return c.json({ result, event_id: webhook.eventId, entity: webhook.entity });
	});
	app.get("/v1/entities/:kind/:key", async (c) => {
		const ledger = ledgerOf(c.env, `${c.req.param("kind")}:${c.req.param("key")}`);
		return c.json({ history: await ledger.eventIds() });
	});
	return app;
}

/** The receiver's keys (imported once, src/ingress/signature/config.ts), the signature only. */
async function verifies(env: SettingsEnv, headers: Headers, body: Uint8Array<ArrayBuffer>): Promise<boolean> {
	const { hmacKeys, es512Key } = await signatureConfig(env);
	const signature = headers.get("signature");
	if (signature !== null) {
		const mac = fromHex(signature);
		return mac !== null && hmacKeys.length > 0 && crypto.subtle.verify("HMAC", hmacKeys[0], mac, body);
	}
	const token = headers.get("authorization")?.replace(/^Bearer\s+/i, "");
	if (!token || !es512Key) return false;
	return jwtVerify(token, es512Key, { algorithms: ["ES512"] }).then(
		() => true,
		() => false,
	);
}

type Envelope = Record<string, string> & { event_data?: Record<string, string>; data?: Record<string, string> };

function entityOf(envelope: Envelope): string {
	const type = envelope.event_type ?? envelope.webhook_type;
	const data = envelope.event_data ?? envelope.data ?? {};
	if (!isEventType(type)) return `unclassified:${type}`;
	return `${EVENT_TYPES[type].kind}:${data[EVENT_TYPES[type].key]}`;
}
