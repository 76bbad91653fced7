/** Cloudflare Access in front of the console, with a locally generated key pair standing in for the team's keys. */
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { PartnerEndpoint } from "../support/partner";
import { consoleFetch, csrfOf, sessionCookieOf } from "./console-client";

const TEAM = "qitech-test.cloudflareaccess.com";
const AUD = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const ACCESS = {
	ACCESS_TEAM_DOMAIN: TEAM,
	ACCESS_AUD: AUD,
	CONSOLE_ADMIN_EMAILS: "ops@bank.example",
	CONSOLE_READER_EMAILS: "*@partner.example",
};
const KID = "test-key";

let keys: Awaited<ReturnType<typeof generateKeyPair>>;
let impostor: Awaited<ReturnType<typeof generateKeyPair>>;

beforeAll(async () => {
	keys = await generateKeyPair("RS256");
	impostor = await generateKeyPair("RS256");
	const jwk = { ...(await exportJWK(keys.publicKey)), kid: KID, alg: "RS256", use: "sig" };
	// Every outbound fetch lands in the partner stand-in: the certs URL answers the team's keys.
	await new PartnerEndpoint("access", "/cdn-cgi/access/certs").behave({ json: { keys: [jwk] } });
});

function assertion(email: string, options: { audience?: string; issuer?: string; key?: CryptoKey } = {}) {
	return new SignJWT({ email, type: "app" })
		.setProtectedHeader({ alg: "RS256", kid: KID })
		.setIssuedAt()
		.setExpirationTime("5m")
		.setAudience(options.audience ?? AUD)
		.setIssuer(options.issuer ?? `https://${TEAM}`)
		.sign(options.key ?? keys.privateKey);
}

const asAccess = async (token: string, cookie?: string) =>
	consoleFetch("/console", { env: ACCESS, headers: { "cf-access-jwt-assertion": token }, cookie });

describe("console behind Cloudflare Access", () => {
	it("signs in an admin address with its own session, and acts with its token", async () => {
		const response = await asAccess(await assertion("Ops@Bank.example"));
		expect(response.status).toBe(200);
		const html = await response.text();
		expect(html).toContain("ops@bank.example");
		expect(html).toContain("(admin)");
		const cookie = sessionCookieOf(response);
		expect(cookie).toMatch(/^console_session=/);
		const token = await assertion("ops@bank.example");
		const out = await consoleFetch("/console/sign-out", {
			env: ACCESS,
			cookie: cookie ?? "",
			headers: { "cf-access-jwt-assertion": token },
			form: { csrf: csrfOf(html) },
		});
		expect(out.status).toBe(303);
	});

	it("maps *@domain patterns to read-only", async () => {
		const html = await (await asAccess(await assertion("ana@partner.example"))).text();
		expect(html).toContain("ana@partner.example");
		expect(html).toContain("(read-only)");
		expect(html).not.toContain('href="/console/destinations"');
	});

	it.each([
		["an address that is not listed", () => assertion("someone@elsewhere.example")],
		["a wrong audience", () => assertion("ops@bank.example", { audience: "another-application" })],
		["a wrong issuer", () => assertion("ops@bank.example", { issuer: "https://evil.cloudflareaccess.com" })],
		["a bad signature", () => assertion("ops@bank.example", { key: impostor.privateKey })],
		["a token that is not a JWT", async () => "not-a-jwt"],
	])("refuses %s with 403 and no session", async (_, token) => {
		const response = await asAccess(await token());
		expect(response.status).toBe(403);
		expect(sessionCookieOf(response)).toBeNull();
	});

	it("does not keep an Access session once a request comes without Access", async () => {
		const signedIn = await asAccess(await assertion("ops@bank.example"));
		const cookie = sessionCookieOf(signedIn) ?? "";
		const without = await consoleFetch("/console/events", { env: ACCESS, cookie });
		expect(without.status).toBe(303);
	});

	it("ignores the header when Access is not configured", async () => {
		const response = await consoleFetch("/console", { headers: { "cf-access-jwt-assertion": "anything" } });
		expect(response.status).toBe(200);
		expect(await response.text()).toContain('name="key"');
	});
});
