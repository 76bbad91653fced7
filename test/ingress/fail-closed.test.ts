/** Issue 11, section 1: signatures fail closed, and a broken key breaks only its own scheme. */
import { SignJWT } from "jose";
import { describe, expect, it, vi } from "vitest";
import { EXAMPLES, eventBody } from "../../simulator/qitech/examples";
import { md5Hex, sha256Hex } from "../../src/digests";
import { pythonJsonDumps } from "../../src/ingress/signature/python-json";
import { WEBHOOK_PATH } from "../../src/ingress/webhook-path";
import { ADMIN_KEY, lookupWith, PARTNER_KEY } from "../api/partner-client";
import { deliver, deliverOk, historyRows, post, signedHeaders, signer, WEBHOOK_URL } from "../support/webhook";
import { fetchWith } from "../support/worker";

const assetEvent = () => eventBody({ type: "trade_receivables.asset_status_change", status: "pre_approved" });
const webhook = (body: BodyInit, headers: Record<string, string>) =>
	new Request(WEBHOOK_URL, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });

async function expect401(response: Response, reason: RegExp) {
	expect(response.status).toBe(401);
	const { error } = await response.json<{ error: { code: string; message: string } }>();
	expect(error.code).toBe("invalid_signature");
	expect(error.message).toMatch(reason);
}

async function hs256(claims: Record<string, unknown>): Promise<string> {
	return new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(signer.keys.hmacKey));
}

describe("tokens that bind nothing about the body", () => {
	const now = () => Math.floor(Date.now() / 1000);

	it.each([
		["no claims at all", () => ({})],
		[
			"only the request line and a time",
			() => ({ method: "POST", uri: WEBHOOK_PATH, timestamp: new Date().toISOString() }),
		],
		["only iat", () => ({ iat: now() })],
	])("are refused with 401 by default: %s", async (_, claims) => {
		const response = await deliver(assetEvent(), { headers: { Signature: await hs256(claims()) } });
		await expect401(response, /binds nothing about the body/);
	});

	it("are accepted, with only their time claim recorded as the binding, only when REQUIRE_BODY_BINDING is false, which /readyz reports", async () => {
		const open = { REQUIRE_BODY_BINDING: "false" };
		const body = assetEvent();
		const response = await fetchWith(open, webhook(body, { Signature: await hs256({ iat: now() }) }));
		expect(response.status).toBe(200);
		const { event_id } = await response.json<{ event_id: string }>();
		const [row] = await historyRows([event_id]);
		expect(row.binding).toBe("iat");
		const ready = await (await fetchWith(open, new Request("https://receiver.test/readyz"))).json<{
			warnings: string[];
		}>();
		expect(ready.warnings).toEqual([expect.stringMatching(/^REQUIRE_BODY_BINDING: false: .*dangerous/)]);
	});
});

describe("payload_md5 over Python's json.dumps form", () => {
	const entry = EXAMPLES.find((e) => e.title === "Creation confirmation")?.body ?? "";

	it("accepts QI Tech's own example, whose 150.00 Python writes 150.0", async () => {
		expect(entry).toContain("150.00");
		const response = await deliver(entry, { scheme: "es512", md5Of: "python" });
		expect(response.status).toBe(200);
	});

	it("refuses a body whose number reads back as another decimal, though Python's form is the same", async () => {
		const signed = entry.replace("150.00", "0.3");
		const forged = entry.replace("150.00", "0.29999999999999999");
		expect(pythonJsonDumps(forged)).toBe(pythonJsonDumps(signed));
		const headers = await signedHeaders(signed, { scheme: "es512", md5Of: "python" });
		expect((await post(signed, headers)).status).toBe(200);
		await expect401(await post(forged, headers), /do not read back as written/);
	});

	it("refuses a body whose string is escaped unlike JSON or Python would write it", async () => {
		const signed = entry.replace('"purchase"', '"A"');
		const forged = entry.replace('"purchase"', '"\\u0041"');
		const headers = await signedHeaders(signed, { scheme: "es512", md5Of: "python" });
		expect(await md5Hex(pythonJsonDumps(forged))).toBe(await md5Hex(pythonJsonDumps(signed)));
		await expect401(await post(forged, headers), /do not read back as written/);
	});

	it("refuses a body that is not UTF-8 with 400 invalid_json", async () => {
		const bytes = new TextEncoder().encode(assetEvent());
		bytes[bytes.indexOf(0x22) + 1] = 0xff; // inside the first string
		const response = await post(bytes, { Signature: "0".repeat(64) });
		expect(response.status).toBe(400);
		expect(await response.json()).toMatchObject({ error: { code: "invalid_json", message: /UTF-8/ } });
	});
});

describe("a broken key breaks only its own scheme", () => {
	const entryEvent = () => eventBody({ type: "baas.invoice.payment_instrument_entry", status: "concluded" });
	const readyz = (changes: Record<string, string>) =>
		fetchWith(changes, new Request("https://receiver.test/readyz")).then((r) =>
			r.json<{ error: { details: { settings: string } } }>(),
		);

	it.each([
		["not a PEM", "garbage"],
		["a PEM that is not a P-521 key", "-----BEGIN PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----"],
	])("QITECH_ES512_PUBLIC_KEY %s: ES512 is refused, HS256 and HMAC still verify, /readyz names it", async (_, pem) => {
		const broken = { QITECH_ES512_PUBLIC_KEY: pem };
		const es512Body = entryEvent();
		const logged: string[] = [];
		for (const method of ["log", "warn", "error"] as const) {
			vi.spyOn(console, method).mockImplementation(
				(...args: unknown[]) => void logged.push(args.map(String).join(" ")),
			);
		}
		const es512 = await fetchWith(broken, webhook(es512Body, await signedHeaders(es512Body, { scheme: "es512" })));
		vi.restoreAllMocks();
		await expect401(es512, /ES512 scheme is not configured/);
		const why = logged
			.flatMap((l) => (l.startsWith("{") ? [JSON.parse(l)] : []))
			.find((l) => String(l.message).startsWith("QITECH_ES512_PUBLIC_KEY"));
		expect(why, "the log says why ES512 is off").toMatchObject({ level: "error" });
		expect(why.message.length).toBeGreaterThan("QITECH_ES512_PUBLIC_KEY ".length);
		for (const scheme of ["hs256", "hmac"] as const) {
			const body = assetEvent();
			const response = await fetchWith(broken, webhook(body, await signedHeaders(body, { scheme })));
			expect(response.status, scheme).toBe(200);
		}
		expect((await readyz(broken)).error.details.settings).toMatch(/^invalid: QITECH_ES512_PUBLIC_KEY \(/);
	});

	it("reads a SHA256:<hex> entry in any case as a digest, never as a clear-text key", async () => {
		const key = "partner-key-with-an-uppercase-digest";
		const entry = `SHA256:${(await sha256Hex(key)).toUpperCase()}`;
		const keys = { PARTNER_API_KEYS: entry };
		expect((await lookupWith(keys, "/v1/receipts", { key })).status).toBe(200);
		expect((await lookupWith(keys, "/v1/receipts", { key: entry })).status).toBe(401);
	});

	it("refuses every key of a list with a malformed digest entry, names it in /readyz, and keeps the other list", async () => {
		const broken = { PARTNER_API_KEYS: `${PARTNER_KEY},sha256:not-hex` };
		expect((await lookupWith(broken, "/v1/receipts", { key: PARTNER_KEY })).status).toBe(401);
		expect((await lookupWith(broken, "/v1/receipts", { key: ADMIN_KEY })).status).toBe(200);
		expect((await readyz(broken)).error.details.settings).toMatch(
			/PARTNER_API_KEYS \(entry 2 \(partner-2\): sha256: needs 64 hex digits\)/,
		);
		expect((await readyz(broken)).error.details.settings).not.toContain(PARTNER_KEY);
	});
});

it("(control) an ordinary signed event is accepted under the defaults", async () => {
	expect((await deliverOk(assetEvent())).result).toBe("accepted");
});
