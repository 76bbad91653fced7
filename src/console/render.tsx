/** From a page to an HTML answer, and from any refusal or error to a page saying why, with its status. */
import type { HtmlEscapedString } from "hono/utils/html";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ApiError } from "../errors";
import { log } from "../logger";
import { say, viewOf } from "./components";
import { MessagePage } from "./layout";
import { type ConsoleContext, ConsoleRefusal } from "./viewer";

export async function render(
	c: ConsoleContext,
	page: HtmlEscapedString | Promise<HtmlEscapedString>,
	status: ContentfulStatusCode = 200,
) {
	c.header("cache-control", "no-store");
	return c.html(`<!doctype html>${await page}`, status);
}

export async function renderError(err: Error, c: ConsoleContext) {
	const view = viewOf(c);
	const { t } = view;
	if (err instanceof ConsoleRefusal) {
		const page = <MessagePage view={view} title={t[err.title]} message={say(t, err.message)} />;
		return render(c, page, err.status);
	}
	if (err instanceof ApiError) {
		for (const [name, value] of Object.entries(err.headers ?? {})) c.header(name, value);
		const details = Array.isArray(err.details)
			? err.details.map((d) => say(t, String((d as { message?: unknown }).message ?? ""))).filter(Boolean)
			: [];
		const title = err.status === 404 ? t.notFoundTitle : err.status === 403 ? t.forbiddenTitle : t.errorTitle;
		const message = [err.message, ...details].join(" · ");
		return render(c, <MessagePage view={view} title={title} message={message} />, err.status);
	}
	log("error", { message: "console error", error: String(err) });
	return render(c, <MessagePage view={view} title={t.errorTitle} message="internal error" />, 500);
}
