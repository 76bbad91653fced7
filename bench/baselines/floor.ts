/**
 * The `floor` baseline: the least the design's shape costs. Verify a bare HMAC of the body,
 * call the entity's Durable Object, insert the event id into its SQLite storage if absent,
 * answer `accepted` or `duplicate`. No JWT, no zod, no ordering, no outbox, no queue, no D1.
 */
import { DurableObject } from "cloudflare:workers";
import { Hono } from "hono";
import { EVENT_TYPES, isEventType } from "../../src/catalog/catalog";

interface Env {
	FLOOR_LEDGER: DurableObjectNamespace<FloorLedger>;
	QITECH_HMAC_KEYS: string;
}

export class FloorLedger extends DurableObject<Env> {
	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS events (event_id TEXT PRIMARY KEY)");
	}

	record(eventId: string): "accepted" | "duplicate" {
		const insert = this.ctx.storage.sql.exec(
			"INSERT INTO events (event_id) VALUES (?) ON CONFLICT DO NOTHING",
			eventId,
		);
		return insert.rowsWritten > 0 ? "accepted" : "duplicate";
	}

	eventIds(): string[] {
		return this.ctx.storage.sql
			.exec<{ event_id: string }>("SELECT event_id FROM events")
			.toArray()
			.map((r) => r.event_id);
	}
}

const app = new Hono<{ Bindings: Env }>();

app.post("/webhooks/qitech", async (c) => {
	const body = new Uint8Array(await c.req.arrayBuffer());
	if (!(await verifies(c.env.QITECH_HMAC_KEYS, c.req.header("signature") ?? "", body)))
		return c.json({ error: "invalid_signature" }, 401);
	const entity = entityOf(JSON.parse(new TextDecoder().decode(body)));
	const eventId = hex(await crypto.subtle.digest("SHA-256", body));
	const result = await c.env.FLOOR_LEDGER.get(c.env.FLOOR_LEDGER.idFromName(entity)).record(eventId);
	return c.json({ result, event_id: eventId, entity });
});

app.get("/v1/entities/:kind/:key", async (c) => {
	const ledger = c.env.FLOOR_LEDGER.get(c.env.FLOOR_LEDGER.idFromName(`${c.req.param("kind")}:${c.req.param("key")}`));
	return c.json({ history: await ledger.eventIds() });
});

let hmacKey: Promise<CryptoKey> | null = null;

async function verifies(keys: string, signature: string, body: Uint8Array): Promise<boolean> {
	if (!/^[0-9a-f]{64}$/.test(signature)) return false;
	hmacKey ??= crypto.subtle.importKey(
		"raw",
		new TextEncoder().encode(keys.split(",")[0]),
		{ name: "HMAC", hash: "SHA-256" },
		false,
		["verify"],
	);
	const mac = Uint8Array.from(signature.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
	return crypto.subtle.verify("HMAC", await hmacKey, mac, body);
}

type Envelope = Record<string, string> & { event_data?: Record<string, string>; data?: Record<string, string> };

function entityOf(envelope: Envelope): string {
	const type = envelope.event_type ?? envelope.webhook_type;
	const data = envelope.event_data ?? envelope.data ?? {};
	if (!isEventType(type)) return `unclassified:${type}`;
	return `${EVENT_TYPES[type].kind}:${data[EVENT_TYPES[type].key]}`;
}

function hex(digest: ArrayBuffer): string {
	return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export default app;
