import { describe, expect, it } from "vitest";
import { type ErrorBody, lookupWith, PARTNER_KEY } from "./partner-client";

describe("partner API rate limit", () => {
	it("answers 429 rate_limited with Retry-After once a key exceeds its limit, and keeps serving other keys", async () => {
		// A key of its own, so no other test shares its counter.
		const busyKey = `busy-${crypto.randomUUID()}`;
		const settings = { PARTNER_API_KEYS: `${busyKey},${PARTNER_KEY}` };
		let served = 0;
		let limited: Response | null = null;
		// The window is 60 s: a minute boundary crossed mid-loop resets the count at most once.
		for (let i = 0; i < 1300 && !limited; i++) {
			// limit=0 is refused after the key and the limit are checked: the cheapest request.
			const response = await lookupWith(settings, "/v1/events?limit=0", { key: busyKey });
			if (response.status === 429) limited = response;
			else {
				expect(response.status).toBe(400);
				served++;
			}
		}
		expect(limited, "no 429 within 1300 requests").not.toBeNull();
		expect(served).toBeGreaterThan(1);
		expect(limited?.headers.get("retry-after")).toBe("60");
		expect((await limited?.json<ErrorBody>())?.error.code).toBe("rate_limited");

		const other = await lookupWith(settings, "/v1/events?limit=1", { key: PARTNER_KEY });
		expect(other.status).toBe(200);
	});

	it("does not limit at all when the worker has no rate limiting binding", async () => {
		const key = `unlimited-${crypto.randomUUID()}`;
		const settings = { PARTNER_API_KEYS: key, LOOKUP_RATE_LIMITER: undefined };
		const statuses = new Set<number>();
		for (let i = 0; i < 700; i++) statuses.add((await lookupWith(settings, "/v1/events?limit=0", { key })).status);
		expect([...statuses]).toEqual([400]);
	});
});
