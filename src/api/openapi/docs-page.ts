/**
 * A page for people: the operations listed from the document itself, readable offline, then
 * Scalar's interactive reference when the browser can load it from its CDN.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";

type Document = ReturnType<OpenAPIHono["getOpenAPI31Document"]>;

const METHODS = ["get", "put", "post", "delete", "patch"] as const;

const SCALAR = "https://cdn.jsdelivr.net/npm/@scalar/api-reference@1.72.1";

export function docsPage(document: Document): string {
	const rows = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
		METHODS.flatMap((method) => {
			const op = item[method];
			if (!op) return [];
			return `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escapeHtml(path)}</code></td><td>${escapeHtml(op.summary ?? "")}</td></tr>`;
		}),
	);
	return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(document.info.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<header>
<h1>${escapeHtml(document.info.title)}</h1>
<p>${escapeHtml(document.info.description ?? "")}</p>
<p>The OpenAPI 3.1 document: <a href="/openapi.json">/openapi.json</a></p>
<table><thead><tr><th>Method</th><th>Path</th><th>What</th></tr></thead><tbody>
${rows.join("\n")}
</tbody></table>
</header>
<script id="api-reference" data-url="/openapi.json"></script>
<script src="${SCALAR}"></script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
