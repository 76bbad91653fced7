import { listDurableObjectIds } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { eventBody } from "../../simulator/qitech/examples";
import { deliver, ledgerOf, post, signedHeaders, WEBHOOK_URL } from "../support/webhook";
import { fetchWith } from "../support/worker";

const freshBody = () =>
	eventBody({ type: "trade_receivables.asset_status_change", key: crypto.randomUUID(), status: "pre_approved" });
const entityOf = (body: string) =>
	`asset:${(JSON.parse(body) as { data: { asset_external_id: string } }).data.asset_external_id}`;

async function expectRejected(response: Response, status: number, code: string, body?: string) {
	expect(response.status).toBe(status);
	const answer = await response.json<{ error: { code: string; message: string } }>();
	expect(answer.error.code).toBe(code);
	expect(answer.error.message).toBeTypeOf("string");
	if (body) {
		// Nothing stored: the entity's ledger was never even created.
		const ids = (await listDurableObjectIds(env.ENTITY_LEDGER)).map(String);
		expect(ids).not.toContain(String(ledgerOf(entityOf(body)).id));
	}
}

async function hs256(claims: Record<string, unknown>, secret: string | Uint8Array, alg = "HS256") {
	const key = typeof secret === "string" ? new TextEncoder().encode(secret) : secret;
	return new SignJWT(claims).setProtectedHeader({ alg }).sign(key);
}

const b64url = (text: string) => btoa(text).replaceAll("=", "").replaceAll("+", "-").replaceAll("/", "_");

describe("requests that are not authentic", () => {
	it("(control) an accepted event does create its ledger, so the nothing-stored check below can fail", async () => {
		const body = freshBody();
		expect((await deliver(body)).status).toBe(200);
		const ids = (await listDurableObjectIds(env.ENTITY_LEDGER)).map(String);
		expect(ids).toContain(String(ledgerOf(entityOf(body)).id));
	});

	it("refuses a request with no signature header: 401 missing_signature", async () => {
		const body = freshBody();
		await expectRejected(await post(body), 401, "missing_signature", body);
	});

	it("refuses a token signed with a key that is not active: 401 invalid_signature", async () => {
		const body = freshBody();
		const token = await hs256(JSON.parse(body), "not-our-key");
		await expectRejected(await post(body, { Signature: token }), 401, "invalid_signature", body);
	});

	it("refuses a body changed after signing (HMAC and JWT-bound)", async () => {
		const body = freshBody();
		const tampered = body.replace("pre_approved", "completed");
		const hmac = await signedHeaders(body, { scheme: "hmac" });
		await expectRejected(await post(tampered, hmac), 401, "invalid_signature", tampered);
		const jwt = await signedHeaders(body, { scheme: "hs256", shape: "body" });
		await expectRejected(await post(tampered, jwt), 401, "invalid_signature", tampered);
		const es = await signedHeaders(body, { scheme: "es512" });
		await expectRejected(await post(tampered, es), 401, "invalid_signature", tampered);
	});

	it("refuses a truncated token and a malformed one", async () => {
		const body = freshBody();
		const { Signature } = await signedHeaders(body, { scheme: "hs256" });
		await expectRejected(await post(body, { Signature: Signature.slice(0, -10) }), 401, "invalid_signature", body);
		await expectRejected(await post(body, { Signature: "a.b.c" }), 401, "invalid_signature", body);
		await expectRejected(await post(body, { Authorization: "Bearer not-a-token" }), 401, "invalid_signature", body);
	});

	it("refuses a bad base64 or wrong-length digest", async () => {
		const body = freshBody();
		await expectRejected(await post(body, { Signature: "sha256=zz" }), 401, "invalid_signature", body);
		await expectRejected(await post(body, { Signature: `${"!".repeat(43)}=` }), 401, "invalid_signature", body);
	});

	it("refuses an expired timestamp and an expired token", async () => {
		const body = freshBody();
		const old = new Date(Date.now() - 10 * 60_000);
		await expectRejected(await deliver(body, { scheme: "es512", now: old }), 401, "invalid_signature", body);
		await expectRejected(
			await deliver(body, { scheme: "hs256", shape: "request", now: old }),
			401,
			"invalid_signature",
			body,
		);
		const expired = await hs256(
			{ exp: Math.floor(Date.now() / 1000) - 3600 },
			env.QITECH_HMAC_KEYS?.split(",")[0] ?? "",
		);
		await expectRejected(await post(body, { Signature: expired }), 401, "invalid_signature", body);
	});

	it("refuses a token bound to another path or method", async () => {
		const body = freshBody();
		const otherPath = await signedHeaders(body, { scheme: "es512", url: "https://receiver.test/somewhere-else" });
		await expectRejected(await post(body, otherPath), 401, "invalid_signature", body);
		const otherMethod = await signedHeaders(body, { scheme: "es512", method: "PUT" });
		await expectRejected(await post(body, otherMethod), 401, "invalid_signature", body);
	});

	it("refuses a token whose payload_md5 is not the body's", async () => {
		const body = freshBody();
		const other = await signedHeaders(freshBody(), { scheme: "es512" });
		await expectRejected(await post(body, other), 401, "invalid_signature", body);
	});

	it("refuses a token whose claims are an envelope other than the body", async () => {
		const body = freshBody();
		const other = await signedHeaders(freshBody(), { scheme: "hs256", shape: "body" });
		await expectRejected(await post(body, other), 401, "invalid_signature", body);
	});

	it("refuses alg none, HS256 in Authorization, and a token HMAC-signed with the public key", async () => {
		const body = freshBody();
		const none = `${b64url('{"alg":"none","typ":"JWT"}')}.${b64url(JSON.stringify(JSON.parse(body)))}.`;
		await expectRejected(await post(body, { Signature: none }), 401, "invalid_signature", body);
		await expectRejected(await post(body, { Authorization: none }), 401, "invalid_signature", body);
		const hsInAuthorization = await hs256(JSON.parse(body), env.QITECH_HMAC_KEYS?.split(",")[0] ?? "");
		await expectRejected(await post(body, { Authorization: hsInAuthorization }), 401, "invalid_signature", body);
		const publicPem = (env.QITECH_ES512_PUBLIC_KEY ?? "").replaceAll("\\n", "\n");
		const confused = await hs256(JSON.parse(body), publicPem);
		await expectRejected(await post(body, { Authorization: confused }), 401, "invalid_signature", body);
		await expectRejected(await post(body, { Signature: confused }), 401, "invalid_signature", body);
	});

	it("refuses an ES512 webhook with a missing or wrong API-CLIENT-KEY", async () => {
		const body = freshBody();
		const signed = await signedHeaders(body, { scheme: "es512" });
		await expectRejected(await post(body, { Authorization: signed.Authorization }), 401, "invalid_signature", body);
		await expectRejected(
			await post(body, { Authorization: signed.Authorization, "API-CLIENT-KEY": crypto.randomUUID() }),
			401,
			"invalid_signature",
			body,
		);
	});
});

describe("authentic requests that are not QI Tech webhooks", () => {
	it("answers 400 invalid_json for an empty body and for non-JSON", async () => {
		await expectRejected(await deliver("", { scheme: "hmac" }), 400, "invalid_json");
		await expectRejected(await deliver("not json", { scheme: "hmac" }), 400, "invalid_json");
	});

	it("answers 400 invalid_payload with the issues for a JSON array", async () => {
		const response = await deliver("[1,2]", { scheme: "hmac" });
		expect(response.status).toBe(400);
		const answer = await response.json<{ error: { code: string; details: unknown[] } }>();
		expect(answer.error.code).toBe("invalid_payload");
		expect(answer.error.details.length).toBeGreaterThan(0);
	});

	it("answers 400 invalid_payload naming the missing key field", async () => {
		const body = JSON.stringify({
			webhook_type: "trade_receivables.asset_status_change",
			webhook_datetime: "2024-04-23T15:08:30Z",
			data: { asset_new_status: "completed" },
		});
		const response = await deliver(body, { scheme: "hmac" });
		expect(response.status).toBe(400);
		const answer = await response.json<{ error: { code: string; details: { path: string[] }[] } }>();
		expect(answer.error.code).toBe("invalid_payload");
		expect(answer.error.details.map((i) => i.path.join("."))).toContain("data.asset_external_id");
	});

	it("answers 400 invalid_payload for an unparseable event time", async () => {
		const body = eventBody({ type: "settlement.payment_batch_status_change", status: "paid", at: "yesterday" });
		await expectRejected(await deliver(body, { scheme: "hmac" }), 400, "invalid_payload");
	});
});

describe("limits at the edge", () => {
	it("answers 413 for a body over 256 KiB, declared or streamed, before checking anything else", async () => {
		const big = "x".repeat(256 * 1024 + 1);
		await expectRejected(await post(big), 413, "payload_too_large");
		const stream = new ReadableStream({
			start(controller) {
				for (let i = 0; i < 5; i++) controller.enqueue(new TextEncoder().encode("y".repeat(60 * 1024)));
				controller.close();
			},
		});
		await expectRejected(await post(stream, { "content-type": "application/json" }), 413, "payload_too_large");
	});

	it("answers 403 forbidden_ip to a caller outside QITECH_ALLOWED_IPS, and admits one inside", async () => {
		const pinned = { QITECH_ALLOWED_IPS: "54.205.166.229, 52.72.221.0/24" };
		const body = freshBody();
		const headers = { ...(await signedHeaders(body, { scheme: "hmac" })), "content-type": "application/json" };
		const call = (ip: string) =>
			fetchWith(
				pinned,
				new Request(WEBHOOK_URL, { method: "POST", body, headers: { ...headers, "cf-connecting-ip": ip } }),
			);
		await expectRejected(await call("203.0.113.9"), 403, "forbidden_ip", body);
		expect((await call("52.72.221.4")).status).toBe(200);
	});
});
