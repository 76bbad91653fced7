import { describe, expect, it } from "vitest";
import { eventBody } from "../../simulator/qitech/examples";
import { sha256Hex } from "../../src/digests";
import { deliver, deliverOk } from "../support/webhook";
import { type ErrorBody, lookup, lookupOk } from "./partner-client";

interface Receipt {
	outcome: string;
	reason: string | null;
	event_id: string | null;
	body_sha256: string | null;
	received_at: string;
}

async function receipts(query: string): Promise<Receipt[]> {
	return (await lookupOk<{ data: Receipt[] }>(`/v1/receipts?${query}&limit=500`)).data;
}

describe("GET /v1/receipts", () => {
	it("shows accepted and duplicate deliveries and a rejection with its reason", async () => {
		const since = new Date().toISOString();
		const body = eventBody({ type: "commercial_paper.operation_status_change", status: "issued" });
		const accepted = await deliverOk(body);
		await deliverOk(body);
		const forged = eventBody({ type: "commercial_paper.operation_status_change", status: "issued" });
		expect((await deliver(forged, { headers: { Signature: "forged" } })).status).toBe(401);
		const forgedDigest = await sha256Hex(new TextEncoder().encode(forged));

		const mine = (rows: Receipt[]) =>
			rows.filter((r) => r.event_id === accepted.event_id || r.body_sha256 === forgedDigest);
		// Receipts are written shortly after the answer.
		await expect
			.poll(async () => mine(await receipts(`since=${since}`)).map((r) => [r.outcome, r.reason]), { timeout: 10_000 })
			.toEqual([
				["accepted", null],
				["duplicate", null],
				["rejected", "invalid_signature"],
			]);
		const rejected = await receipts(`outcome=rejected&since=${since}`);
		expect(mine(rejected).map((r) => r.outcome)).toEqual(["rejected"]);
		expect(rejected.every((r) => r.outcome === "rejected")).toBe(true);
	});

	it("answers 400 invalid_request for an unknown outcome or a bad time", async () => {
		for (const query of ["outcome=lost", "since=now", "until=1", "limit=1000"]) {
			const response = await lookup(`/v1/receipts?${query}`);
			expect(response.status, query).toBe(400);
			expect((await response.json<ErrorBody>()).error.code, query).toBe("invalid_request");
		}
	});
});
