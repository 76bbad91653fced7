import { describe, expect, it } from "vitest";
import { EXAMPLES } from "../../simulator/qitech/examples";
import { classify, eventIdOf } from "../../src/catalog/event";
import { pythonJsonDumps } from "../../src/ingress/signature/python-json";

const bytes = (text: string) => new TextEncoder().encode(text);
async function sha256(text: string) {
	const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes(text)));
	return [...d].map((b) => b.toString(16).padStart(2, "0")).join("");
}

describe("event identity", () => {
	it("is the documented SHA-256 of type, entity, status and normalised time", async () => {
		const example = EXAMPLES.find((e) => e.title === "Payment Receipt Approved");
		if (!example) throw new Error("fixture missing");
		const parsed = await classify(JSON.parse(example.body), bytes(example.body));
		if (!parsed.ok) throw new Error("expected a valid event");
		const expected = await sha256(
			"subscription_payment.subscription_payment_status_change\nsubscription_payment:1413020c-6965-40fb-a162-632459d35fd1\nconfirmed\n2025-07-30T16:05:00.000Z",
		);
		expect(parsed.event.event_id).toBe(expected);
		expect(await eventIdOf(parsed.event.type, parsed.event.entity, "confirmed", "2025-07-30T16:05:00.000Z")).toBe(
			expected,
		);
	});

	it("is, for QI Tech's Batch Paid example, the value the README shows", async () => {
		const example = EXAMPLES.find((e) => e.title === "Batch Paid");
		const parsed = await classify(JSON.parse(example?.body ?? ""), bytes(example?.body ?? ""));
		if (!parsed.ok) throw new Error("expected a valid event");
		expect(parsed.event.event_id).toBe("2222bd568e84eeddd5e33e84a6e31df674806ff2466708b724cfd95696bd729c");
	});

	it("does not change when a resend differs only in formatting, field order, extra fields or time notation", async () => {
		const a = `{"webhook_type":"settlement.payment_batch_status_change","webhook_datetime":"2024-04-23T15:08:30Z","data":{"external_id":"b1","status":"paid"}}`;
		const b = `{ "data": { "status": "paid", "external_id": "b1", "new_field": 1 },
			"webhook_datetime": "2024-04-23T12:08:30.000-03:00", "webhook_type": "settlement.payment_batch_status_change" }`;
		const [pa, pb] = await Promise.all([classify(JSON.parse(a), bytes(a)), classify(JSON.parse(b), bytes(b))]);
		if (!pa.ok || !pb.ok) throw new Error("expected valid events");
		expect(pa.event.event_id).toBe(pb.event.event_id);
	});

	it("gives an unknown type the digest of its raw body and files it under unclassified, one entity per event", async () => {
		const body = `{"webhook_type":"baas.something_new","webhook_datetime":"2024-04-23T15:08:30Z","data":{"x":1}}`;
		const parsed = await classify(JSON.parse(body), bytes(body));
		if (!parsed.ok) throw new Error("expected a valid event");
		expect(parsed.event.event_id).toBe(await sha256(body));
		expect(parsed.event.entity).toBe(`unclassified:${parsed.event.event_id}`);
		expect(parsed.event.type).toBe("baas.something_new");
	});
});

describe("Python's json.dumps form of a body (for ES512 payload_md5)", () => {
	it("matches what Python prints for QI Tech's payment instrument example", () => {
		const example = EXAMPLES.find((e) => e.title === "Creation confirmation");
		// python3 -c 'import json,sys; print(json.dumps(json.loads(sys.stdin.read())))'
		expect(pythonJsonDumps(example?.body ?? "")).toBe(
			'{"webhook_type": "baas.invoice.payment_instrument_entry", "webhook_datetime": "2024-08-13T21:35:55.679Z", "data": {"payment_instrument_key": "ecf87b4b-fa6e-49c0-a7f0-f2cad6b42d79", "payment_instrument_entry_key": "fd86d9b1-2a5e-4e03-9a59-a043c7632c97", "payment_instrument_entry_amount": 150.0, "payment_instrument_entry_type": "purchase", "payment_instrument_entry_status": "concluded"}}',
		);
	});

	it("escapes non-ASCII and writes floats as Python does", () => {
		expect(pythonJsonDumps('{"a": 150.00, "b": 1e16, "c": 0.00001, "d": "João 😀", "e": [1, -0]}')).toBe(
			'{"a": 150.0, "b": 1e+16, "c": 1e-05, "d": "Jo\\u00e3o \\ud83d\\ude00", "e": [1, 0]}',
		);
	});
});
