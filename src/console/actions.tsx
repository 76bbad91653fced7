/**
 * The console's forms (POST): sign in and out, and an admin's actions, each through the same
 * functions as the admin API (src/notifications, src/ledger, src/alerts). Every form that changes
 * something is checked for its origin and CSRF token first (csrf.ts); partner sessions act on nothing.
 */
import type { Hono } from "hono";
import { z } from "zod";
import { acknowledge } from "../alerts/lifecycle";
import { identify } from "../api/auth";
import { readableEvent } from "../api/scopes";
import { type AnyKind, ENTITY_KINDS, EVENT_TYPES, type EventType, UNCLASSIFIED } from "../catalog/catalog";
import { ApiError } from "../errors";
import { repairLedger } from "../ledger/repairs";
import { changeDestination, createDestination, foundDestination, replayFailed } from "../notifications/destinations";
import { filterSchema } from "../notifications/filter";
import { redeliver } from "../notifications/redeliver";
import { defaultTestType, sendTestEvent } from "../notifications/test-event";
import { deleteDestination } from "../storage/destinations";
import { fromEventRow } from "../storage/event-rows";
import { readPayload } from "../storage/payloads";
import { entityPath } from "./components";
import { checkedForm, formOf, fromOwnOrigin } from "./csrf";
import { renderDestination, requireAdminViewer, signInPage, toSignIn } from "./routes";
import { endSession, sessionSecret, startSession } from "./session";
import { type ConsoleContext, type ConsoleEnv, ConsoleRefusal, type Viewer } from "./viewer";

const KINDS: AnyKind[] = [...ENTITY_KINDS, UNCLASSIFIED];
const lines = (text: string | undefined) =>
	(text ?? "")
		.split(/[\n,]/)
		.map((line) => line.trim())
		.filter((line) => line !== "");

/** Where to go back to: a console path only. */
function returnTo(form: Record<string, string>, fallback: string): string {
	const path = form.return_to ?? "";
	return /^\/console(\/|\?|$)/.test(path) && !path.startsWith("//") ? path : fallback;
}

function withNotice(path: string, notice: string, n?: number): string {
	const url = new URL(path, "https://console.invalid");
	url.searchParams.set("notice", notice);
	if (n !== undefined) url.searchParams.set("n", String(n));
	return `${url.pathname}${url.search}`;
}

/** An admin's checked form, or the reason it is refused. */
async function adminForm(c: ConsoleContext): Promise<{ viewer: Viewer; form: Record<string, string> } | Response> {
	const viewer = c.get("viewer");
	if (!viewer) {
		if (!fromOwnOrigin(c)) throw new ConsoleRefusal(403, "forbiddenTitle", "csrfRefused");
		return toSignIn(c);
	}
	const form = await checkedForm(c, viewer);
	requireAdminViewer(viewer);
	return { viewer, form };
}

const destinationFields = z.object({
	url: z.string().trim().min(1).max(2048),
	event_types: z
		.array(z.string().regex(/^(\*|[a-z0-9_.]+\*?)$/, "an event type, or a prefix ending in *"))
		.min(1, "at least one event type"),
	kinds: z.array(z.enum(KINDS)).nullable(),
	include_stale: z.boolean(),
	filter: filterSchema.nullable(),
	ordering: z.enum(["none", "entity"]),
	payload: z.enum(["full", "thin"]),
	max_per_second: z.number().int().min(1).max(1000).nullable(),
	max_in_flight: z.number().int().min(1).max(1000).nullable(),
});

/** An empty field is null; otherwise the JSON (a filter) or number (a pace) it holds, validated above. */
function parsedOrNull(text: string | undefined, parse: (text: string) => unknown): unknown {
	const trimmed = (text ?? "").trim();
	if (trimmed === "") return null;
	try {
		return parse(trimmed);
	} catch {
		return trimmed;
	}
}

function destinationOf(form: Record<string, string>) {
	const kinds = lines(form.kinds);
	const parsed = destinationFields.safeParse({
		url: form.url ?? "",
		event_types: lines(form.event_types),
		kinds: kinds.length === 0 ? null : kinds,
		include_stale: form.include_stale === "true",
		filter: parsedOrNull(form.filter, JSON.parse),
		ordering: form.ordering === "entity" ? "entity" : "none",
		payload: form.payload === "thin" ? "thin" : "full",
		max_per_second: parsedOrNull(form.max_per_second, Number),
		max_in_flight: parsedOrNull(form.max_in_flight, Number),
	});
	if (!parsed.success)
		throw new ApiError("invalid_request", "the destination's fields are invalid", parsed.error.issues);
	return parsed.data;
}

export function consoleActions(app: Hono<ConsoleEnv>): void {
	app.post("/console/sign-in", async (c) => {
		if (!fromOwnOrigin(c)) throw new ConsoleRefusal(403, "forbiddenTitle", "csrfRefused");
		if (!sessionSecret(c.env)) throw new ConsoleRefusal(503, "noSecretTitle", "noSecret");
		const key = ((await formOf(c)).key ?? "").trim();
		const identity = key ? await identify(c.env, key, c.req.header("cf-connecting-ip") ?? null) : null;
		if (!identity) return signInPage(c, "unknownKey", 401);
		await startSession(c, identity.id);
		c.set("caller", identity.label);
		return c.redirect("/console", 303);
	});

	app.post("/console/sign-out", async (c) => {
		const viewer = c.get("viewer");
		if (!viewer) return c.redirect("/console", 303);
		await checkedForm(c, viewer);
		endSession(c);
		return c.redirect("/console?signin=out", 303);
	});

	app.post("/console/entities/:kind/:key/events/:id/:action{release|discard}", async (c) => {
		const checked = await adminForm(c);
		if (checked instanceof Response) return checked;
		const { kind, key, id, action } = c.req.param();
		const by = checked.viewer.identity.label;
		const reason = (checked.form.reason ?? "").trim().slice(0, 500);
		if (action === "discard" && !reason) throw new ApiError("invalid_request", "a reason is needed to discard");
		const request =
			action === "release" ? { action, eventId: id } : { action: "discard" as const, eventId: id, reason };
		await repairLedger(c.env, kind, key, by, request as Parameters<typeof repairLedger>[4]);
		return c.redirect(withNotice(entityPath(kind, key), action === "release" ? "released" : "discarded"), 303);
	});

	app.post("/console/entities/:kind/:key/corrections", async (c) => {
		const checked = await adminForm(c);
		if (checked instanceof Response) return checked;
		const { kind, key } = c.req.param();
		const status = (checked.form.status ?? "").trim();
		const reason = (checked.form.reason ?? "").trim().slice(0, 500);
		if (!status || !reason) throw new ApiError("invalid_request", "a correction needs a status and a reason");
		await repairLedger(c.env, kind, key, checked.viewer.identity.label, { action: "correct", status, reason });
		return c.redirect(withNotice(entityPath(kind, key), "corrected"), 303);
	});

	app.post("/console/events/:id/redeliver", async (c) => {
		const checked = await adminForm(c);
		if (checked instanceof Response) return checked;
		const id = c.req.param("id");
		const row = await readableEvent(c.env, checked.viewer.identity, id);
		const enqueued = await redeliver(
			c.env,
			fromEventRow(row),
			(await readPayload(c.env, row)) ?? "null",
			checked.form.destination_id || null,
		);
		const back = returnTo(checked.form, entityPath(row.entity_kind, row.entity_key));
		return c.redirect(withNotice(back, "redelivered", enqueued), 303);
	});

	app.post("/console/destinations", async (c) => {
		const checked = await adminForm(c);
		if (checked instanceof Response) return checked;
		const fields = destinationOf(checked.form);
		const created = await createDestination(c.env, { ...fields, enabled: checked.form.enabled === "true" });
		return renderDestination(c, created.destination.id, { secret: created.secret });
	});

	app.post("/console/destinations/:id", async (c) => {
		const checked = await adminForm(c);
		if (checked instanceof Response) return checked;
		const id = c.req.param("id");
		await changeDestination(c.env, id, destinationOf(checked.form));
		return c.redirect(withNotice(`/console/destinations/${id}`, "saved"), 303);
	});

	app.post("/console/destinations/:id/:action{enable|disable}", async (c) => {
		const checked = await adminForm(c);
		if (checked instanceof Response) return checked;
		const { id, action } = c.req.param();
		await changeDestination(c.env, id, { enabled: action === "enable" });
		return c.redirect(withNotice(`/console/destinations/${id}`, action === "enable" ? "enabled" : "disabled"), 303);
	});

	app.post("/console/destinations/:id/rotate", async (c) => {
		const checked = await adminForm(c);
		if (checked instanceof Response) return checked;
		const id = c.req.param("id");
		const rotated = await changeDestination(c.env, id, { rotate_secret: true });
		return renderDestination(c, id, { secret: rotated.secret ?? "" });
	});

	app.post("/console/destinations/:id/test", async (c) => {
		const checked = await adminForm(c);
		if (checked instanceof Response) return checked;
		const destination = await foundDestination(c.env.HISTORY, c.req.param("id"));
		const asked = checked.form.type ?? "";
		const type = Object.hasOwn(EVENT_TYPES, asked) ? (asked as EventType) : defaultTestType(destination);
		const test = await sendTestEvent(c.env, destination, type);
		return renderDestination(c, destination.id, { test });
	});

	app.post("/console/destinations/:id/replay-failed", async (c) => {
		const checked = await adminForm(c);
		if (checked instanceof Response) return checked;
		const id = c.req.param("id");
		const enqueued = await replayFailed(c.env, id);
		return c.redirect(withNotice(returnTo(checked.form, `/console/destinations/${id}`), "replayed", enqueued), 303);
	});

	app.post("/console/destinations/:id/delete", async (c) => {
		const checked = await adminForm(c);
		if (checked instanceof Response) return checked;
		const id = c.req.param("id");
		if (!(await deleteDestination(c.env.HISTORY, id))) throw new ApiError("not_found", `no destination ${id}`);
		return c.redirect(withNotice("/console/destinations", "removed"), 303);
	});

	app.post("/console/alerts/:id/acknowledge", async (c) => {
		const checked = await adminForm(c);
		if (checked instanceof Response) return checked;
		const id = c.req.param("id");
		const done = await acknowledge(c.env, id, checked.viewer.identity.label);
		if (!done) throw new ApiError("not_found", `no alert ${id}`);
		return c.redirect(withNotice(returnTo(checked.form, "/console/alerts"), "acknowledged"), 303);
	});
}
