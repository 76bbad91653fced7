import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { eventBody } from "../../simulator/qitech/examples";
import { deliver, deliverOk, historyRows, post, signedHeaders } from "../support/webhook";

const assetEvent = () => eventBody({ type: "trade_receivables.asset_status_change", status: "pre_approved" });
const entryEvent = () => eventBody({ type: "baas.invoice.payment_instrument_entry", status: "concluded" });

describe("signature schemes QI Tech uses", () => {
	it("accepts an HS256 JWT in Signature whose claims are the body, and records the binding", async () => {
		const answer = await deliverOk(assetEvent(), { scheme: "hs256", shape: "body" });
		expect(answer.result).toBe("accepted");
		const [row] = await historyRows([answer.event_id]);
		expect(row.signature_scheme).toBe("hs256");
		expect(row.binding).toBe("iat+claims");
	});

	it("accepts an HS256 JWT that binds the request (md5, method, uri, timestamp)", async () => {
		const answer = await deliverOk(assetEvent(), { scheme: "hs256", shape: "request", md5Of: "raw" });
		const [row] = await historyRows([answer.event_id]);
		expect(row.binding).toBe("payload_md5+method+uri+timestamp");
	});

	it("accepts a token signed with any active key, so keys can rotate", async () => {
		const second = env.QITECH_HMAC_KEYS?.split(",")[1] ?? "";
		const body = assetEvent();
		const token = await new SignJWT({ ...JSON.parse(body), iat: Math.floor(Date.now() / 1000) })
			.setProtectedHeader({ alg: "HS256" })
			.sign(new TextEncoder().encode(second));
		const response = await deliver(body, { headers: { Signature: token } });
		expect(response.status).toBe(200);
	});

	it.each(["hex", "base64", "sha256=hex"] as const)(
		"accepts a bare HMAC-SHA256 of the raw body in %s",
		async (digest) => {
			const answer = await deliverOk(assetEvent(), { scheme: "hmac", digest });
			const [row] = await historyRows([answer.event_id]);
			expect(row.signature_scheme).toBe("hmac");
			expect(row.binding).toBe("body_hmac");
		},
	);

	it("accepts an ES512 JWT in Authorization with the md5 of Python's json.dumps form", async () => {
		const answer = await deliverOk(entryEvent(), { scheme: "es512", md5Of: "python" });
		const [row] = await historyRows([answer.event_id]);
		expect(row.signature_scheme).toBe("es512");
		expect(row.binding).toBe("payload_md5+method+uri+timestamp");
	});

	it("accepts an ES512 JWT with the md5 of the raw body", async () => {
		expect((await deliver(entryEvent(), { scheme: "es512", md5Of: "raw" })).status).toBe(200);
	});

	it("accepts an ES512 JWT whose single signature claim holds method, uri and md5", async () => {
		const answer = await deliverOk(entryEvent(), { scheme: "es512", shape: "signature-line" });
		const [row] = await historyRows([answer.event_id]);
		expect(row.binding).toBe("payload_md5+method+uri+timestamp");
	});

	it("reads the signature headers whatever their case", async () => {
		const body = entryEvent();
		const signed = await signedHeaders(body, { scheme: "es512" });
		const headers = { AUTHORIZATION: signed.Authorization, "api-client-key": signed["API-CLIENT-KEY"] };
		expect((await post(body, headers)).status).toBe(200);
	});
});
