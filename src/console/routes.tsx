/** The console's pages (GET): each reads what it shows for the viewer signed in, within the viewer's scopes. */
import type { Hono } from "hono";
import type { z } from "zod";
import { readableEvent, requireEveryKind } from "../api/scopes";
import { ApiError } from "../errors";
import { settingsOf } from "../settings";
import { findDestination, listDestinations } from "../storage/destinations";
import { destinationOutcomesQuery } from "../storage/overview-lookups";
import { accessConfigured } from "./access";
import { entityPath, viewOf } from "./components";
import type { Word } from "./i18n";
import { AlertsPage, alertSearchSchema, alertsData } from "./pages/alerts";
import { DeliveriesPage, deliveriesData, deliverySearchSchema } from "./pages/deliveries";
import { DestinationPage, DestinationsPage, NewDestinationPage } from "./pages/destinations";
import { EntityPage } from "./pages/entity";
import { entityData } from "./pages/entity-data";
import { EventsPage, eventSearchSchema, eventsData } from "./pages/events";
import { OverviewPage, overviewData } from "./pages/overview";
import { ReceiptsPage, receiptSearchSchema, receiptsData } from "./pages/receipts";
import { SignInPage } from "./pages/sign-in";
import { render } from "./render";
import { sessionSecret } from "./session";
import { type ConsoleContext, type ConsoleEnv, ConsoleRefusal, type Viewer } from "./viewer";

const SIGN_IN_MESSAGES: Record<string, Word> = { ended: "sessionEnded", out: "signedOut", unknown: "unknownKey" };

/** The viewer, or null after answering with the way to sign in. */
export function signedIn(c: ConsoleContext): Viewer | null {
	return c.get("viewer");
}

export function toSignIn(c: ConsoleContext): Response {
	return c.redirect(c.get("sessionEnded") ? "/console?signin=ended" : "/console", 303);
}

export function requireAdminViewer(viewer: Viewer): void {
	if (viewer.identity.role !== "admin") throw new ConsoleRefusal(403, "forbiddenTitle", "adminOnly");
}

export function signInPage(c: ConsoleContext, message?: Word, status: 200 | 401 = 200) {
	const view = viewOf(c);
	if (!sessionSecret(c.env)) throw new ConsoleRefusal(503, "noSecretTitle", "noSecret");
	const access = accessConfigured(settingsOf(c.env));
	return render(c, <SignInPage view={view} message={message} access={access} />, status);
}

function query<T extends z.ZodType>(c: ConsoleContext, schema: T): z.infer<T> {
	const parsed = schema.safeParse(c.req.query());
	if (!parsed.success) throw new ApiError("invalid_request", "the search's fields are invalid", parsed.error.issues);
	return parsed.data;
}

export function consolePages(app: Hono<ConsoleEnv>): void {
	app.get("/", (c) => c.redirect("/console", 302));

	app.get("/console", async (c) => {
		const viewer = signedIn(c);
		const ended = c.get("sessionEnded") ? "ended" : c.req.query("signin");
		if (!viewer) return signInPage(c, SIGN_IN_MESSAGES[ended ?? ""]);
		const data = await overviewData(c.env, viewer.identity);
		return render(c, <OverviewPage view={viewOf(c)} data={data} />);
	});

	app.get("/console/entities", (c) => {
		const { kind, key } = c.req.query();
		if (!kind || !key) return c.redirect("/console", 303);
		return c.redirect(entityPath(kind, key), 303);
	});

	app.get("/console/entities/:kind/:key", async (c) => {
		const viewer = signedIn(c);
		if (!viewer) return toSignIn(c);
		const { kind, key } = c.req.param();
		const before = c.req.query("before") ?? null;
		const data = await entityData(c.env, viewer.identity, kind, key, before, c.req.query("event") ?? null);
		return render(c, <EntityPage view={viewOf(c)} data={data} />);
	});

	app.get("/console/events/:id", async (c) => {
		const viewer = signedIn(c);
		if (!viewer) return toSignIn(c);
		const id = c.req.param("id");
		const event = await readableEvent(c.env, viewer.identity, id);
		return c.redirect(`${entityPath(event.entity_kind, event.entity_key)}?event=${encodeURIComponent(id)}`, 303);
	});

	app.get("/console/events", async (c) => {
		const viewer = signedIn(c);
		if (!viewer) return toSignIn(c);
		const search = query(c, eventSearchSchema);
		const page = await eventsData(c.env, viewer.identity, search);
		return render(c, <EventsPage view={viewOf(c)} search={search} page={page} />);
	});

	app.get("/console/receipts", async (c) => {
		const viewer = signedIn(c);
		if (!viewer) return toSignIn(c);
		requireEveryKind(viewer.identity, "the audit trail");
		const search = query(c, receiptSearchSchema);
		const page = await receiptsData(c.env, search);
		return render(c, <ReceiptsPage view={viewOf(c)} search={search} page={page} />);
	});

	app.get("/console/deliveries", async (c) => {
		const viewer = signedIn(c);
		if (!viewer) return toSignIn(c);
		requireAdminViewer(viewer);
		const search = query(c, deliverySearchSchema);
		const data = await deliveriesData(c.env, search);
		return render(c, <DeliveriesPage view={viewOf(c)} search={search} data={data} />);
	});

	app.get("/console/destinations", async (c) => {
		const viewer = signedIn(c);
		if (!viewer) return toSignIn(c);
		requireAdminViewer(viewer);
		const destinations = await listDestinations(c.env.HISTORY);
		return render(c, <DestinationsPage view={viewOf(c)} destinations={destinations} />);
	});

	app.get("/console/destinations/new", (c) => {
		const viewer = signedIn(c);
		if (!viewer) return toSignIn(c);
		requireAdminViewer(viewer);
		return render(c, <NewDestinationPage view={viewOf(c)} />);
	});

	app.get("/console/destinations/:id", async (c) => {
		const viewer = signedIn(c);
		if (!viewer) return toSignIn(c);
		requireAdminViewer(viewer);
		return renderDestination(c, c.req.param("id"));
	});

	app.get("/console/alerts", async (c) => {
		const viewer = signedIn(c);
		if (!viewer) return toSignIn(c);
		requireAdminViewer(viewer);
		const search = query(c, alertSearchSchema);
		const page = await alertsData(c.env, search);
		return render(c, <AlertsPage view={viewOf(c)} search={search} page={page} />);
	});
}

/** One destination's page, with what an action just produced (a secret shown once, a test's outcome). */
export async function renderDestination(
	c: ConsoleContext,
	id: string,
	extra: Pick<Parameters<typeof DestinationPage>[0], "secret" | "test"> = {},
) {
	const [destination, outcomes] = await Promise.all([
		findDestination(c.env.HISTORY, id),
		destinationOutcomesQuery(c.env.HISTORY, id),
	]);
	if (!destination) throw new ApiError("not_found", `no destination ${id}`);
	const page = <DestinationPage view={viewOf(c)} destination={destination} outcomes={outcomes} {...extra} />;
	return render(c, page);
}
