import { describe, expect, it } from "vitest";
import { lookup, lookupWith } from "./partner-client";

const ORIGIN = "https://portal.partner.example";
const settings = { LOOKUP_ALLOWED_ORIGINS: `${ORIGIN}, https://other.partner.example` };

describe("partner API CORS", () => {
	it("sends no CORS headers when LOOKUP_ALLOWED_ORIGINS is empty", async () => {
		const response = await lookup("/v1/events?limit=1", { headers: { origin: ORIGIN } });
		expect(response.status).toBe(200);
		expect(response.headers.get("access-control-allow-origin")).toBeNull();
		const preflight = await lookup("/v1/events", { key: null, method: "OPTIONS", headers: preflightHeaders(ORIGIN) });
		expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
		expect(preflight.status).toBe(401);
	});

	it("allows a listed origin, answering its preflight without a key", async () => {
		const preflight = await lookupWith(settings, "/v1/events", {
			key: null,
			method: "OPTIONS",
			headers: preflightHeaders(ORIGIN),
		});
		expect(preflight.status).toBe(204);
		expect(preflight.headers.get("access-control-allow-origin")).toBe(ORIGIN);
		expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
		const response = await lookupWith(settings, "/v1/events?limit=1", { headers: { origin: ORIGIN } });
		expect(response.status).toBe(200);
		expect(response.headers.get("access-control-allow-origin")).toBe(ORIGIN);
	});

	it("lets a listed origin read the error of a refused request", async () => {
		const response = await lookupWith(settings, "/v1/events", { key: "wrong", headers: { origin: ORIGIN } });
		expect(response.status).toBe(401);
		expect(response.headers.get("access-control-allow-origin")).toBe(ORIGIN);
	});

	it("grants nothing to an origin that is not listed", async () => {
		const stranger = "https://evil.example";
		const preflight = await lookupWith(settings, "/v1/events", {
			key: null,
			method: "OPTIONS",
			headers: preflightHeaders(stranger),
		});
		expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
		const response = await lookupWith(settings, "/v1/events?limit=1", { headers: { origin: stranger } });
		expect(response.headers.get("access-control-allow-origin")).toBeNull();
	});
});

function preflightHeaders(origin: string): Record<string, string> {
	return { origin, "access-control-request-method": "GET", "access-control-request-headers": "authorization" };
}
