import { env } from "cloudflare:workers";
import { generateSignedCookie } from "hono/cookie";
import { describe, expect, it } from "vitest";
import { ADMIN_KEY, lookup, managedKey, PARTNER_KEY } from "../api/partner-client";
import { destinationFor, PartnerEndpoint } from "../support/partner";
import { consoleFetch, csrfOf, page, sessionCookieOf, signIn } from "./console-client";

const SECRET = env.CONSOLE_SESSION_SECRET ?? "";

const adminKeyInD1 = (fields: Record<string, unknown> = {}) => managedKey({ role: "admin", ...fields });

describe("console: forms are refused unless they come from the console with their token", () => {
	it.each([
		["without its CSRF token", (csrf: string) => ({ form: { enabled: "false" }, csrf })],
		["with a wrong token", () => ({ form: { csrf: "0".repeat(64) } })],
		["from another origin", (csrf: string) => ({ form: { csrf }, origin: "https://evil.example" })],
		["with no Origin nor Sec-Fetch-Site", (csrf: string) => ({ form: { csrf }, origin: null })],
	])("refuses a form posted %s with 403, changing nothing", async (_, request) => {
		const destination = await destinationFor(new PartnerEndpoint());
		const cookie = await signIn(ADMIN_KEY);
		const csrf = csrfOf(await page(`/console/destinations/${destination.id}`, cookie));
		const { form, origin } = request(csrf) as { form: Record<string, string>; origin?: string | null };
		const response = await consoleFetch(`/console/destinations/${destination.id}/disable`, { cookie, form, origin });
		expect(response.status).toBe(403);
		expect(await response.text()).toContain("token or origin");
		const row = await env.HISTORY.prepare("SELECT enabled FROM destinations WHERE id = ?").bind(destination.id).first();
		expect(row?.enabled).toBe(1);
	});

	it("accepts a browser's same-origin form without Origin when Sec-Fetch-Site says same-origin", async () => {
		const destination = await destinationFor(new PartnerEndpoint());
		const cookie = await signIn(ADMIN_KEY);
		const csrf = csrfOf(await page(`/console/destinations/${destination.id}`, cookie));
		const response = await consoleFetch(`/console/destinations/${destination.id}/disable`, {
			cookie,
			form: { csrf },
			origin: null,
			headers: { "sec-fetch-site": "same-origin" },
		});
		expect(response.status).toBe(303);
	});

	it("refuses a sign-in posted from another origin", async () => {
		const response = await consoleFetch("/console/sign-in", {
			form: { key: ADMIN_KEY },
			origin: "https://evil.example",
		});
		expect(response.status).toBe(403);
		expect(sessionCookieOf(response)).toBeNull();
	});

	it("lets a partner session post no action, even with its own valid token", async () => {
		const destination = await destinationFor(new PartnerEndpoint());
		const cookie = await signIn(PARTNER_KEY);
		const csrf = csrfOf(await page("/console", cookie));
		for (const action of [
			`/console/destinations/${destination.id}/disable`,
			`/console/destinations/${destination.id}/rotate`,
			"/console/destinations",
			"/console/events/x/redeliver",
			"/console/entities/asset/a/corrections",
		]) {
			const response = await consoleFetch(action, { cookie, form: { csrf, url: "https://x.example", reason: "r" } });
			expect(response.status, action).toBe(403);
		}
	});
});

describe("console: sessions end with their key", () => {
	it("ends the session of a revoked key", async () => {
		const { id, key } = await adminKeyInD1();
		const cookie = await signIn(key);
		await lookup(`/v1/api-keys/${id}`, { key: ADMIN_KEY, method: "DELETE" });
		const response = await consoleFetch("/console/events", { cookie });
		expect(response.status).toBe(303);
		expect(response.headers.get("location")).toBe("/console?signin=ended");
		expect(sessionCookieOf(response)).toBe("console_session=");
		expect(await page("/console?signin=ended", "")).toContain("Your session ended");
	});

	it("ends the session of a key that expired", async () => {
		const { id, key } = await adminKeyInD1({ expires_at: new Date(Date.now() + 60_000).toISOString() });
		const cookie = await signIn(key);
		// Its time comes: the expiry is moved to now rather than waited for.
		await env.HISTORY.prepare("UPDATE api_keys SET expires_at = ? WHERE id = ?")
			.bind(new Date().toISOString(), id)
			.run();
		expect((await consoleFetch("/console/events", { cookie })).status).toBe(303);
	});

	it("ends the session of a key gone from the environment", async () => {
		const cookie = await signIn(ADMIN_KEY);
		const without = { ADMIN_API_KEYS: "other=dev-only-admin-key-2" };
		expect((await consoleFetch("/console/events", { cookie, env: without })).status).toBe(303);
	});

	it("ignores a session cookie past its time, or not signed with the secret", async () => {
		const session = (expires: number) => JSON.stringify({ id: "env:admin:admin-1", expires, csrf: "a".repeat(64) });
		const expired = (await generateSignedCookie("console_session", session(Date.now() - 1), SECRET)).split(";")[0];
		const forged = (await generateSignedCookie("console_session", session(Date.now() + 60_000), "x".repeat(40))).split(
			";",
		)[0];
		const fresh = (await generateSignedCookie("console_session", session(Date.now() + 60_000), SECRET)).split(";")[0];
		for (const cookie of [expired, forged]) {
			const html = await (await consoleFetch("/console", { cookie })).text();
			expect(html).toContain('name="key"');
		}
		expect(await page("/console", fresh)).toContain("admin-1");
	});

	it("signs nobody in without CONSOLE_SESSION_SECRET, and says so", async () => {
		const unset = { CONSOLE_SESSION_SECRET: undefined };
		const shown = await consoleFetch("/console", { env: unset });
		expect(shown.status).toBe(503);
		expect(await shown.text()).toContain("CONSOLE_SESSION_SECRET");
		const posted = await consoleFetch("/console/sign-in", { form: { key: ADMIN_KEY }, env: unset });
		expect(posted.status).toBe(503);
		expect(sessionCookieOf(posted)).toBeNull();
	});
});
