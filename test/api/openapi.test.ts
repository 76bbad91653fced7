import { compileErrors, validate } from "@readme/openapi-parser";
import { describe, expect, it } from "vitest";
import { partnerApi } from "../../src/api/partner-api";
import { lookup } from "./partner-client";

type Document = Parameters<typeof validate>[0] & { openapi: string; paths: Record<string, Record<string, unknown>> };

async function servedDocument(): Promise<Document> {
	const response = await lookup("/openapi.json", { key: null });
	expect(response.status).toBe(200);
	expect(response.headers.get("content-type")).toContain("application/json");
	return response.json<Document>();
}

/** Hono's `/v1/entities/:kind/:key` is OpenAPI's `/v1/entities/{kind}/{key}`. */
const openApiPath = (honoPath: string) => honoPath.replace(/:([^/]+)/g, "{$1}");

describe("GET /openapi.json", () => {
	it("is an OpenAPI 3.1 document that a real parser validates", async () => {
		const document = await servedDocument();
		expect(document.openapi).toBe("3.1.0");
		const result = await validate(structuredClone(document));
		expect(result.valid, compileErrors(result)).toBe(true);
		expect(result.warnings).toEqual([]);
	});

	it("lets the validator fail: a broken copy of the document does not validate", async () => {
		const broken = await servedDocument();
		(broken.paths["/v1/events/{event_id}"].get as { parameters: unknown[] }).parameters = [];
		expect((await validate(broken)).valid).toBe(false);
	});

	it("lists every partner route the worker serves, the webhook route and the health check", async () => {
		const document = await servedDocument();
		// Hono lists a route once per handler (validators, then the handler): count each once.
		const served = [
			...new Set(
				partnerApi.routes
					.filter((r) => r.method !== "ALL")
					.map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path)}`),
			),
		];
		expect(served.length).toBeGreaterThanOrEqual(5);
		const listed = Object.entries(document.paths).flatMap(([path, item]) =>
			Object.keys(item).map((method) => `${method} ${path}`),
		);
		expect(listed.sort()).toEqual([...served, "post /webhooks/qitech", "get /healthz"].sort());
	});

	it("describes the partner routes' authentication, parameters and error shape", async () => {
		const document = (await servedDocument()) as Document & { components: Record<string, Record<string, unknown>> };
		expect(document.components.securitySchemes?.partnerKey).toMatchObject({ type: "http", scheme: "bearer" });
		const list = document.paths["/v1/entities"].get as {
			security: unknown;
			parameters: { name: string }[];
			responses: Record<string, unknown>;
		};
		expect(list.security).toEqual([{ partnerKey: [] }]);
		expect(list.parameters.map((p) => p.name)).toEqual([
			"kind",
			"status",
			"open",
			"related",
			"updated_since",
			"limit",
			"cursor",
		]);
		expect(Object.keys(list.responses)).toEqual(["200", "400", "401", "403", "429"]);
		expect(document.components.schemas).toHaveProperty("Error");
	});
});

describe("GET /docs", () => {
	it("serves a page for people that renders the document's operations", async () => {
		const response = await lookup("/docs", { key: null });
		expect(response.status).toBe(200);
		expect(response.headers.get("content-type")).toContain("text/html");
		const html = await response.text();
		expect(html).toContain('href="/openapi.json"');
		for (const path of [
			"/v1/entities/{kind}/{key}",
			"/v1/entities",
			"/v1/events",
			"/v1/events/{event_id}",
			"/v1/receipts",
			"/webhooks/qitech",
		]) {
			expect(html).toContain(`<code>${path}</code>`);
		}
	});

	it("loads nothing from another host, and sends the console's strict Content-Security-Policy", async () => {
		const response = await lookup("/docs", { key: null });
		const html = await response.text();
		expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
		expect(html).not.toMatch(/cdn\.|jsdelivr|unpkg|scalar/i);
		for (const [, asset] of html.matchAll(/(?:src|href)="([^"#]+)"/g)) expect(asset).toMatch(/^(\/|data:)/);
		expect(response.headers.get("content-security-policy")).toContain("default-src 'none'; script-src 'self'");
		expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
		expect(response.headers.get("x-content-type-options")).toBe("nosniff");
	});

	it("lists every schema it links to", async () => {
		const html = await (await lookup("/docs", { key: null })).text();
		const linked = [...html.matchAll(/href="#(schema-[^"]+)"/g)].map((m) => m[1]);
		expect(linked.length).toBeGreaterThan(10);
		for (const anchor of new Set(linked)) expect(html).toContain(`id="${anchor}"`);
	});
});
