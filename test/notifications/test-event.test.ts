import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN_KEY, lookup, PARTNER_KEY } from "../api/partner-client";
import { destinationFor, PartnerEndpoint } from "../support/partner";

function sendTest(id: string, body?: unknown, key = ADMIN_KEY) {
	return lookup(`/v1/destinations/${id}/test`, { key, method: "POST", body });
}

describe("POST /v1/destinations/{id}/test", () => {
	it("sends QI Tech's example of the chosen type, signed with the destination's secret, and answers delivered", async () => {
		const partner = new PartnerEndpoint();
		const destination = await destinationFor(partner, { event_types: ["*"] });
		const response = await sendTest(destination.id, { type: "trade_receivables.asset_status_change" });
		expect(response.status).toBe(200);
		const outcome = await response.json<{ event_id: string; outcome: string; status: number }>();
		expect(outcome).toMatchObject({ outcome: "delivered", status: 200, type: "trade_receivables.asset_status_change" });
		expect(outcome.event_id).toMatch(/^test_[0-9a-f]{32}$/);
		const [body] = (await partner.verifiedBodies(destination.secret)) as {
			id: string;
			type: string;
			data: { data: Record<string, unknown> };
		}[];
		expect(body.id).toBe(outcome.event_id);
		expect(body.type).toBe("trade_receivables.asset_status_change");
		expect(body.data.data).toHaveProperty("asset_external_id");
	});

	it("defaults to a type the destination wants, and answers a failing partner's status and error", async () => {
		const partner = new PartnerEndpoint();
		await partner.behave({ down: true, status: 503 });
		const destination = await destinationFor(partner, { event_types: ["settlement.*"] });
		const outcome = await (await sendTest(destination.id)).json();
		expect(outcome).toMatchObject({
			type: "settlement.payment_batch_status_change",
			outcome: "failed",
			retryable: true,
			status: 503,
			error: "HTTP 503",
		});
		const row = await env.HISTORY.prepare("SELECT count(*) AS n FROM deliveries WHERE destination_id = ?")
			.bind(destination.id)
			.first<{ n: number }>();
		expect(row?.n).toBe(0);
	});

	it("refuses partner keys, unknown destinations and types outside the catalog", async () => {
		const destination = await destinationFor(new PartnerEndpoint());
		expect((await sendTest(destination.id, {}, PARTNER_KEY)).status).toBe(403);
		expect((await sendTest("dst_missing", {})).status).toBe(404);
		expect((await sendTest(destination.id, { type: "nope.nothing" })).status).toBe(400);
	});
});
