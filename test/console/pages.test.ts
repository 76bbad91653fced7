import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN_KEY, PARTNER_KEY } from "../api/partner-client";
import { consoleFetch, page, signIn } from "./console-client";
import { gzipSize, type Seeded, seedConsole } from "./seed";

let seeded: Seeded;
let admin: string;
let partner: string;

beforeAll(async () => {
	seeded = await seedConsole();
	admin = await signIn(ADMIN_KEY);
	partner = await signIn(PARTNER_KEY);
}, 120_000);

const entityPage = () => `/console/entities/${seeded.stale.kind}/${encodeURIComponent(seeded.stale.key)}`;

const PAGES: [string, () => string, RegExp[]][] = [
	[
		"overview",
		() => "/console",
		[/<svg class="chart"/, /Entities per kind/, /Deliveries not delivered/, /not-a-signature|invalid_signature/],
	],
	["entity", entityPage, [/<svg class="flow"/, /class="stale"/, /Timeline/]],
	["events", () => "/console/events", [/Events/, /\/console\/entities\//]],
	["events by result", () => "/console/events?result=stale", [/b-stale/]],
	["deliveries", () => "/console/deliveries", [/b-delivered/]],
	["dead or failing deliveries", () => `/console/deliveries?destination=${seeded.failing.id}`, [/Replay failed/]],
	["destinations", () => "/console/destinations", [/\/console\/destinations\/dst_/]],
	["destination", () => `/console/destinations/${seeded.failing.id}`, [/Rotate the secret/, /Send a test event/]],
	["new destination", () => "/console/destinations/new", [/name="url"/]],
	["receipts", () => "/console/receipts?outcome=rejected", [/invalid_signature|missing_signature/]],
	["alerts", () => "/console/alerts", [/entity.stuck/, /Acknowledge/]],
	["docs", () => "/docs", [/\/v1\/entities\/\{kind\}\/\{key\}/]],
];

describe("console pages with realistic data", () => {
	it.each(PAGES)(
		"renders %s for an admin, under 50 KB compressed, with the security headers",
		async (_, path, expected) => {
			const response = await consoleFetch(path(), { cookie: admin });
			const html = await response.text();
			expect(response.status, html.slice(0, 500)).toBe(200);
			expect(response.headers.get("content-type")).toContain("text/html");
			for (const pattern of expected) expect(html).toMatch(pattern);
			expect(response.headers.get("content-security-policy")).toBe(
				"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
			);
			expect(response.headers.get("x-content-type-options")).toBe("nosniff");
			expect(response.headers.get("referrer-policy")).toBe("same-origin");
			expect(html).not.toMatch(/<script>|style="|\son[a-z]+="/);
			expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
			const size = await gzipSize(html);
			console.log(`page weight ${_}: ${html.length} bytes, ${size} gzipped`);
			expect(size).toBeLessThan(50_000);
		},
	);

	it.each([
		["the sign-in form", () => consoleFetch("/console"), 200],
		["a refusal", () => consoleFetch("/console/destinations", { cookie: partner }), 403],
		["a missing page", () => consoleFetch("/console/nothing", { cookie: admin }), 404],
		["a refused form", () => consoleFetch("/console/sign-out", { cookie: admin, form: {} }), 403],
	])("sends the same security headers on %s", async (_, request, status) => {
		const response = await request();
		expect(response.status).toBe(status);
		expect(response.headers.get("content-type")).toContain("text/html");
		expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
		expect(response.headers.get("x-content-type-options")).toBe("nosniff");
		expect(response.headers.get("referrer-policy")).toBe("same-origin");
	});

	it("serves the stylesheet and script from the worker with a long cache", async () => {
		const html = await page("/console", admin);
		for (const [, path] of html.matchAll(/(?:href|src)="(\/console\/assets\/[^"]+)"/g)) {
			const asset = await consoleFetch(path);
			expect(asset.status).toBe(200);
			expect(asset.headers.get("cache-control")).toContain("immutable");
		}
		expect([...html.matchAll(/\/console\/assets\//g)].length).toBe(2);
	});

	it("shows an entity's flow with its statuses in order, the current one marked and the late one stale", async () => {
		const html = await page(entityPage(), admin);
		const sequence = [...html.matchAll(/<tbody id="ev-(\d+)"/g)].map((m) => Number(m[1]));
		expect(sequence.length).toBeGreaterThan(1);
		expect(html).toMatch(new RegExp(`<tr class="stale[^"]*">(?:(?!</tr>).)*${seeded.stale.status}`, "s"));
		expect(html).toMatch(/<g class="current[^"]*" data-status="[a-z_]+"/);
		expect(html).toMatch(/<title id="flow-title">/);
	});

	it("opens an event's payload as received, pretty-printed, with a copy button", async () => {
		const first = /data-event="([0-9a-f]{64})"/.exec(await page(entityPage(), admin))?.[1];
		const html = await page(`${entityPage()}?event=${first}`, admin);
		expect(html).toMatch(/<pre class="payload" id="payload-pretty"[^>]*>\{\n {2}&quot;/);
		expect(html).toContain('data-copy="payload-raw"');
	});

	it("answers 404 pages for an unknown entity and an unknown console path", async () => {
		expect((await consoleFetch("/console/entities/asset/no-such-asset", { cookie: admin })).status).toBe(404);
		const unknown = await consoleFetch("/console/nothing-here", { cookie: admin });
		expect(unknown.status).toBe(404);
		expect(unknown.headers.get("content-type")).toContain("text/html");
	});

	it("speaks pt-BR to a Portuguese browser, and switches back with ?lang=en (remembered)", async () => {
		const pt = await consoleFetch("/console", {
			cookie: admin,
			headers: { "accept-language": "pt-BR,pt;q=0.9,en;q=0.5" },
		});
		const html = await pt.text();
		expect(html).toContain('lang="pt-BR"');
		expect(html).toContain("Visão geral");
		const en = await consoleFetch("/console?lang=en", { cookie: admin, headers: { "accept-language": "pt-BR" } });
		expect(await en.text()).toContain("Overview");
		const kept = en.headers.getSetCookie().find((c) => c.startsWith("console_lang=")) ?? "";
		expect(kept).toContain("console_lang=en");
		const again = await consoleFetch("/console", {
			cookie: `${admin}; console_lang=en`,
			headers: { "accept-language": "pt-BR" },
		});
		expect(await again.text()).toContain("Overview");
	});

	it("shows times in UTC and in São Paulo", async () => {
		const html = await page("/console/events", admin);
		const [, utc, local] = /<time datetime="([^"]+)">[^<]+<\/time><span class="sp">([^<]+) São Paulo/.exec(html) ?? [];
		expect(utc).toBeDefined();
		const hours = (Number(utc.slice(11, 13)) + 24 - 3) % 24;
		expect(local).toContain(String(hours).padStart(2, "0"));
	});

	it("shows a partner session no management action and no admin section", async () => {
		for (const path of ["/console", entityPage(), "/console/events"]) {
			const html = await page(path, partner);
			const forms = [...html.matchAll(/<form[^>]*method="post"[^>]*action="([^"]+)"/g)].map((m) => m[1]);
			expect(forms).toEqual(["/console/sign-out"]);
			expect(html).not.toContain('href="/console/destinations"');
		}
		for (const path of ["/console/destinations", "/console/deliveries", "/console/alerts"]) {
			expect((await consoleFetch(path, { cookie: partner })).status).toBe(403);
		}
	});
});
