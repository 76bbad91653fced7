/** A browser's requests to the console of the worker under test: cookies kept, forms posted with their token. */
import { exports } from "cloudflare:workers";
import { type EnvChanges, fetchWith } from "../support/worker";

export const ORIGIN = "https://receiver.test";

export interface ConsoleRequest {
	method?: string;
	cookie?: string;
	/** Sent urlencoded. */
	form?: Record<string, string | string[]>;
	/** The Origin header; null sends none. Same-origin by default on POST. */
	origin?: string | null;
	headers?: Record<string, string>;
	/** Run with some settings or bindings changed. */
	env?: EnvChanges;
}

export function consoleFetch(path: string, options: ConsoleRequest = {}): Promise<Response> {
	const method = options.method ?? (options.form ? "POST" : "GET");
	const headers: Record<string, string> = { accept: "text/html", ...options.headers };
	if (options.cookie) headers.cookie = options.cookie;
	const origin = options.origin === undefined ? (method === "POST" ? ORIGIN : null) : options.origin;
	if (origin) headers.origin = origin;
	let body: string | undefined;
	if (options.form) {
		const params = new URLSearchParams();
		for (const [name, value] of Object.entries(options.form)) {
			for (const v of Array.isArray(value) ? value : [value]) params.append(name, v);
		}
		body = params.toString();
		headers["content-type"] = "application/x-www-form-urlencoded";
	}
	const request = new Request(`${ORIGIN}${path}`, { method, headers, body, redirect: "manual" });
	return options.env ? fetchWith(options.env, request) : exports.default.fetch(request);
}

/** The `name=value` of the session cookie a response sets ("" when it clears it), or null. */
export function sessionCookieOf(response: Response): string | null {
	const line = response.headers.getSetCookie().find((c) => c.startsWith("console_session="));
	return line ? line.split(";")[0] : null;
}

/** Signs in with a key and answers the session cookie. */
export async function signIn(key: string, env?: EnvChanges): Promise<string> {
	const response = await consoleFetch("/console/sign-in", { form: { key }, env });
	const cookie = sessionCookieOf(response);
	if (response.status !== 303 || !cookie)
		throw new Error(`sign-in answered ${response.status}: ${await response.text()}`);
	return cookie;
}

/** The CSRF token a page's forms carry. */
export function csrfOf(html: string): string {
	const match = /name="csrf" value="([0-9a-f]+)"/.exec(html);
	if (!match) throw new Error("no CSRF token on the page");
	return match[1];
}

/** GETs a page that must answer 200 and returns its HTML. */
export async function page(path: string, cookie: string, env?: EnvChanges): Promise<string> {
	const response = await consoleFetch(path, { cookie, env });
	if (response.status !== 200) throw new Error(`GET ${path}: ${response.status}: ${await response.text()}`);
	return response.text();
}

/** Posts a form from a page: its token taken from that page. */
export async function postFrom(pagePath: string, action: string, cookie: string, fields: Record<string, string> = {}) {
	const csrf = csrfOf(await page(pagePath, cookie));
	return consoleFetch(action, { cookie, form: { csrf, ...fields } });
}

const HTML_ESCAPES: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&amp;": "&" };

/** Text as a browser shows it: the escapes hono writes into the HTML undone. */
export function unescapeHtml(html: string): string {
	return html.replace(/&(?:lt|gt|quot|#39|amp);/g, (entity) => HTML_ESCAPES[entity]);
}

/** Where the page's link to the next page (`rel="next"`) goes, or null on the last page. */
export function nextPageOf(html: string): string | null {
	const href = /<a href="([^"]+)" rel="next">/.exec(html)?.[1];
	return href === undefined ? null : unescapeHtml(href);
}

/** The entities a page links to, `kind:key`, in the page's order. */
export function linkedEntities(html: string): string[] {
	const links = html.matchAll(/href="\/console\/entities\/([a-z_]+)\/([^"?#]+)"/g);
	return [...links].map((m) => `${m[1]}:${decodeURIComponent(unescapeHtml(m[2]))}`);
}
