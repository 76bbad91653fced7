/**
 * Forms that change something: the request must come from the console's own origin (Origin, or
 * Sec-Fetch-Site when a browser sends no Origin) and carry the session's token, compared in
 * constant time. Anything else is refused with 403 before the action runs.
 */
import { sameSecret } from "../digests";
import type { Viewer } from "./viewer";
import { type ConsoleContext, ConsoleRefusal } from "./viewer";

export const CSRF_FIELD = "csrf";

export function fromOwnOrigin(c: ConsoleContext): boolean {
	const origin = c.req.header("origin");
	if (origin !== undefined) return origin === new URL(c.req.url).origin;
	return c.req.header("sec-fetch-site") === "same-origin";
}

function refused(): ConsoleRefusal {
	return new ConsoleRefusal(403, "forbiddenTitle", "csrfRefused");
}

/** The form's fields, once its origin and token are checked. */
export async function checkedForm(c: ConsoleContext, viewer: Viewer): Promise<Record<string, string>> {
	if (!fromOwnOrigin(c)) throw refused();
	const form = await formOf(c);
	const token = form[CSRF_FIELD] ?? "";
	if (!(await sameSecret(token, viewer.session.csrf))) throw refused();
	return form;
}

/** The string fields of a urlencoded or multipart form (repeated fields joined by newlines). */
export async function formOf(c: ConsoleContext): Promise<Record<string, string>> {
	let body: Record<string, string | File | (string | File)[]>;
	try {
		body = await c.req.parseBody({ all: true });
	} catch {
		return {};
	}
	const fields: Record<string, string> = {};
	for (const [name, value] of Object.entries(body)) {
		const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string");
		fields[name] = values.join("\n");
	}
	return fields;
}
