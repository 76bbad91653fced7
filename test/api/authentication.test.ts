import { describe, expect, it } from "vitest";
import { WEBHOOK_PATH } from "../../src/ingress/webhook-path";
import { HASHED_PARTNER_KEY, lookup, lookupWith, PARTNER_KEY } from "./partner-client";

async function sha256Hex(text: string): Promise<string> {
	const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
	return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

describe("partner API authentication", () => {
	it("answers the same 401 unauthorized whether the key is missing, wrong, truncated or under another scheme", async () => {
		const attempts = [
			await lookup("/v1/events", { key: null }),
			await lookup("/v1/events", { key: "not-a-partner-key" }),
			await lookup("/v1/events", { key: PARTNER_KEY.slice(0, -1) }),
			await lookup("/v1/events", { key: null, headers: { authorization: `Basic ${btoa(`x:${PARTNER_KEY}`)}` } }),
			await lookup("/v1/events", { key: null, headers: { authorization: PARTNER_KEY } }),
			await lookup(`/v1/entities/asset/x`, { key: `sha256:${await sha256Hex(HASHED_PARTNER_KEY)}` }),
		];
		const bodies = new Set<string>();
		for (const response of attempts) {
			expect(response.status).toBe(401);
			expect(response.headers.get("www-authenticate")).toBe('Bearer realm="partner-api"');
			bodies.add(await response.text());
		}
		expect(bodies.size).toBe(1);
		const [body] = bodies;
		expect(JSON.parse(body).error.code).toBe("unauthorized");
		expect(body).not.toContain("not-a-partner-key");
	});

	it("accepts a key listed in plaintext and a key listed only by its sha256 digest", async () => {
		expect((await lookup("/v1/events?limit=1", { key: PARTNER_KEY })).status).toBe(200);
		expect((await lookup("/v1/events?limit=1", { key: HASHED_PARTNER_KEY })).status).toBe(200);
	});

	it("checks the key before the parameters, so a stranger learns nothing from a 400", async () => {
		const response = await lookup("/v1/entities/not-a-kind/x", { key: "stranger" });
		expect(response.status).toBe(401);
	});

	it("refuses every key when PARTNER_API_KEYS is empty", async () => {
		const response = await lookupWith({ PARTNER_API_KEYS: "" }, "/v1/events", { key: PARTNER_KEY });
		expect(response.status).toBe(401);
		expect((await lookupWith({ PARTNER_API_KEYS: " , " }, "/v1/events", { key: "" })).status).toBe(401);
	});

	it("ignores a malformed sha256: entry rather than letting anything match it", async () => {
		const settings = { PARTNER_API_KEYS: "sha256:not-hex,sha256:" };
		expect((await lookupWith(settings, "/v1/events", { key: "not-hex" })).status).toBe(401);
		expect((await lookupWith(settings, "/v1/events", { key: "" })).status).toBe(401);
		expect((await lookupWith(settings, "/v1/events", { key: null })).status).toBe(401);
	});

	it("accepts a rotated-in key as soon as it is listed, with the old one still valid", async () => {
		const settings = { PARTNER_API_KEYS: `${PARTNER_KEY}, sha256:${await sha256Hex("next-partner-key")}` };
		expect((await lookupWith(settings, "/v1/events?limit=1", { key: "next-partner-key" })).status).toBe(200);
		expect((await lookupWith(settings, "/v1/events?limit=1", { key: PARTNER_KEY })).status).toBe(200);
	});

	it("leaves the webhook route, the OpenAPI document and the docs page outside partner authentication", async () => {
		expect((await lookup("/openapi.json", { key: null })).status).toBe(200);
		expect((await lookup("/docs", { key: null })).status).toBe(200);
		const webhook = await lookup(WEBHOOK_PATH, { key: null, method: "POST" });
		expect((await webhook.json<{ error: { code: string } }>()).error.code).not.toBe("unauthorized");
	});
});
