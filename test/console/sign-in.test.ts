import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN_KEY, PARTNER_KEY } from "../api/partner-client";
import { consoleFetch, page, sessionCookieOf, signIn } from "./console-client";

describe("console: signing in and out", () => {
	it("sends a browser from / to /console, which shows the sign-in form when signed out", async () => {
		const root = await consoleFetch("/");
		expect(root.status).toBe(302);
		expect(root.headers.get("location")).toBe("/console");
		const form = await consoleFetch("/console");
		expect(form.status).toBe(200);
		const html = await form.text();
		expect(html).toMatch(/<form[^>]*method="post"[^>]*action="\/console\/sign-in"/);
		expect(html).toContain('name="key"');
	});

	it("signs an admin in with a session cookie that is HttpOnly, SameSite=Strict, Secure, for 8 hours", async () => {
		const response = await consoleFetch("/console/sign-in", { form: { key: ADMIN_KEY } });
		expect(response.status).toBe(303);
		const line = response.headers.getSetCookie().find((c) => c.startsWith("console_session=")) ?? "";
		expect(line).toMatch(/HttpOnly/);
		expect(line).toMatch(/SameSite=Strict/);
		expect(line).toMatch(/Secure/);
		expect(line).toMatch(/Path=\//);
		expect(line).toMatch(/Max-Age=28800/);
		expect(line).not.toContain(ADMIN_KEY);
		const html = await page("/console", sessionCookieOf(response) ?? "");
		expect(html).toContain("admin-1");
		expect(html).toContain('action="/console/sign-out"');
	});

	it.each([
		["http://localhost:8787", false],
		["http://127.0.0.1:8787", false],
		["http://receiver.example", true],
		["https://receiver.test", true],
	])(
		"sets the session cookie on %s with Secure: %s (off only for plain-http local development)",
		async (origin, secure) => {
			const response = await exports.default.fetch(`${origin}/console/sign-in`, {
				method: "POST",
				headers: { origin, "content-type": "application/x-www-form-urlencoded" },
				body: `key=${ADMIN_KEY}`,
				redirect: "manual",
			});
			expect(response.status).toBe(303);
			const line = response.headers.getSetCookie().find((c) => c.startsWith("console_session=")) ?? "";
			expect(line).toMatch(/HttpOnly/);
			expect(/;\s*Secure/i.test(line)).toBe(secure);
		},
	);

	it("refuses an unknown key with the form again and no cookie", async () => {
		const response = await consoleFetch("/console/sign-in", { form: { key: "not-a-key" } });
		expect(response.status).toBe(401);
		expect(sessionCookieOf(response)).toBeNull();
		expect(await response.text()).toContain("not known");
	});

	it("signs out: the cookie is cleared and the session's page is the sign-in form again", async () => {
		const cookie = await signIn(PARTNER_KEY);
		const html = await page("/console", cookie);
		const csrf = /name="csrf" value="([0-9a-f]+)"/.exec(html)?.[1] ?? "";
		const out = await consoleFetch("/console/sign-out", { cookie, form: { csrf } });
		expect(out.status).toBe(303);
		expect(out.headers.get("location")).toBe("/console?signin=out");
		const cleared = out.headers.getSetCookie().find((c) => c.startsWith("console_session=")) ?? "";
		expect(cleared).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/);
	});
});
