// What a person does in the console, checked step by step in the browser (test/browser/console.mjs).
import { join } from "node:path";
import { mainPath } from "../../simulator/qitech/examples.ts";
import { WEBHOOK_PATH } from "../../src/ingress/webhook-path.ts";
import { readUntil } from "../support/poll.ts";

const ADMIN_KEY = "dev-only-admin-key-1";
const PARTNER_KEY = "dev-only-partner-key-1";
/** An asset flow order in which older steps arrive after newer ones: one asset has one stale event, the other three. */
const SEED = 4;
const ASSET_PATH = mainPath("asset");

export async function checks({ context, base, partner, shots, simulate, log }) {
	let passed = 0;
	const check = (ok, what) => {
		if (!ok) throw new Error(`check failed: ${what}`);
		passed++;
		log(`ok: ${what}`);
	};
	const page = context.pages()[0] ?? (await context.newPage());
	/** Wide (1280) and narrow (390); the whole page, or the first screens of a very long one (/docs). */
	const shoot = async (name, fullPage = true) => {
		for (const [size, width] of [
			["wide", 1280],
			["narrow", 390],
		]) {
			await page.setViewportSize({ width, height: 900 });
			await page.screenshot({ path: join(shots, `${name}-${size}.png`), fullPage });
		}
		await page.setViewportSize({ width: 1280, height: 900 });
	};
	const go = async (path) => {
		const response = await page.goto(`${base}${path}`);
		return response?.status();
	};
	const submit = async (locator) => {
		await Promise.all([page.waitForLoadState("load"), locator.click()]);
		await page.waitForLoadState("load");
	};

	// Sign in at / with the dev admin key.
	await go("/");
	check(page.url() === `${base}/console`, "/ sends the browser to /console");
	check((await page.locator('input[name="key"]').count()) === 1, "signed out, /console shows the sign-in form");
	await shoot("sign-in");
	await page.fill('input[name="key"]', ADMIN_KEY);
	await submit(page.getByRole("button", { name: "Sign in" }));
	check((await page.textContent("header")).includes("admin-1"), "signed in as admin-1");

	// Two destinations, made in the console: one healthy, one failing until told otherwise.
	const secrets = [];
	const destinations = {};
	for (const [name, types] of [
		["ok", "*"],
		["fail", "trade_receivables.*"],
	]) {
		await go("/console/destinations/new");
		await page.fill('input[name="url"]', `${partner.url}/${name}`);
		await page.fill('textarea[name="event_types"]', types);
		await submit(page.getByRole("button", { name: "Create" }));
		const secret = (await page.textContent("#secret"))?.trim();
		check(/^whsec_/.test(secret ?? ""), `the new destination /${name} shows its secret once`);
		secrets.push(secret);
		const id = await page.locator('form[action$="/rotate"]').getAttribute("action");
		destinations[name] = id.split("/")[3];
	}
	await go(`/console/destinations/${destinations.ok}`);
	check(!(await page.content()).includes(secrets[0]), "the secret is not shown again");

	// QI Tech's asset flow, shuffled.
	const simulated = await simulate(base, SEED);
	const staleSent = /stale\s*\|?\s*(\d+)/i.exec(simulated);
	log(
		`simulator: ${simulated
			.split("\n")
			.filter((l) => /asset|every entity/.test(l))
			.slice(-3)
			.join(" / ")}`,
	);

	// An entity whose flow arrived shuffled: every status in order, the late one stale.
	// The asset with the fewest stale events: most of its steps applied, one or two late.
	let entityPath = null;
	for (let i = 0; i < 30 && !entityPath; i++) {
		await go("/console/events?kind=asset&result=stale");
		const links = await page
			.locator('tbody a[href^="/console/entities/asset/"]')
			.evaluateAll((a) => a.map((x) => x.getAttribute("href")));
		const stale = new Map();
		for (const link of links) stale.set(link, (stale.get(link) ?? 0) + 1);
		entityPath = [...stale.entries()].sort((x, y) => x[1] - y[1])[0]?.[0] ?? null;
		if (!entityPath) await page.waitForTimeout(500);
	}
	check(entityPath !== null, `a shuffled asset has a stale event (${staleSent?.[0] ?? "see the simulator's summary"})`);
	await shoot("events");
	await go(entityPath);
	const statuses = await page
		.locator("tbody[data-event] tr:first-child td:nth-child(2) > span:first-child")
		.allTextContents();
	const documented = ASSET_PATH.filter((s) => statuses.includes(s));
	check(
		JSON.stringify(statuses) === JSON.stringify(documented) && statuses.length === ASSET_PATH.length,
		`the timeline lists every status in flow order: ${statuses.join(" → ")}`,
	);
	check((await page.locator("tr.stale .b-stale").count()) >= 1, "the late event is marked stale");
	check(
		(await page.locator('svg.flow g.current[data-status="completed"]').count()) === 1,
		"the flow marks completed current",
	);
	await shoot("entity");
	await submit(page.locator("tbody[data-event] a", { hasText: "Payload" }).first());
	const payload = await page.textContent("#payload-pretty");
	check(payload?.includes('"webhook_type"') && payload.includes("\n  "), "the payload opens, pretty-printed");
	await page.getByRole("button", { name: "Copy" }).click();
	await page.getByRole("button", { name: "Copied" }).waitFor({ timeout: 3000 });
	const copied = await page.evaluate(() => navigator.clipboard.readText());
	check(
		copied === (await page.textContent("#payload-raw")) &&
			JSON.stringify(JSON.parse(copied)) === JSON.stringify(JSON.parse(payload)),
		"the copy button copies the payload as received",
	);
	await shoot("entity-payload");

	// The failing destination's deliveries die; replayed from the console once it recovers, they are delivered.
	const deadPath = `/console/deliveries?outcome=dead&destination=${destinations.fail}`;
	const pendingPath = `/console/deliveries?outcome=pending&destination=${destinations.fail}`;
	let dead = 0;
	for (let i = 0; i < 90; i++) {
		await go(pendingPath);
		const pending = await page.locator("tr[data-delivery]").count();
		await go(deadPath);
		dead = await page.locator("tr[data-delivery]").count();
		if (pending === 0 && dead > 0) break;
		await page.waitForTimeout(1000);
	}
	check(dead > 0, `deliveries to the failing destination are dead (${dead})`);
	await shoot("deliveries");
	partner.state.failing = false;
	await go(`/console/deliveries?destination=${destinations.fail}`);
	await submit(page.getByRole("button", { name: "Replay failed deliveries" }));
	check((await page.textContent(".notice")).includes("Queued again"), "replay queues them again");
	let delivered = 0;
	for (let i = 0; i < 60 && delivered < dead; i++) {
		await go(`/console/deliveries?outcome=delivered&destination=${destinations.fail}`);
		delivered = await page.locator("tr[data-delivery]").count();
		if (delivered < dead) await page.waitForTimeout(1000);
	}
	check(delivered >= dead, `the replayed deliveries are delivered (${delivered})`);

	await go(entityPath);
	await page
		.locator("tbody[data-event] details")
		.first()
		.evaluate((d) => {
			d.open = true;
		});
	await shoot("entity");

	// Rotate a secret: shown once, new.
	await go(`/console/destinations/${destinations.fail}`);
	await submit(page.getByRole("button", { name: "Rotate the secret" }));
	const rotated = (await page.textContent("#secret"))?.trim();
	check(/^whsec_/.test(rotated ?? "") && rotated !== secrets[1], "rotating shows a new secret once");
	await shoot("destination");

	// A sender with a wrong key, as the overview and the receipts show it.
	const since = new Date().toISOString();
	for (let i = 0; i < 3; i++) {
		await fetch(`${base}${WEBHOOK_PATH}`, {
			method: "POST",
			headers: { "content-type": "application/json", signature: "0".repeat(64) },
			body: '{"webhook_type":"trade_receivables.asset_status_change"}',
		});
	}

	// Receipts are written just after the answers, in batches.
	const rejected = await readUntil(
		() => rejectedSince(base, since),
		(rows) => rows.length >= 3,
		10_000,
	);
	check(
		rejected.length === 3 && rejected.every((r) => r.reason === "invalid_signature"),
		"the wrong key's webhooks are in the receipts, refused for their signature",
	);

	// The other pages, for their screenshots.
	for (const [name, path] of [
		["overview", "/console"],
		["destinations", "/console/destinations"],
		["receipts", "/console/receipts"],
		["alerts", "/console/alerts"],
		["docs", "/docs"],
	]) {
		check((await go(path)) === 200, `${path} answers 200`);
		await shoot(name, name !== "docs");
	}
	await page.emulateMedia({ colorScheme: "dark" });
	await go(entityPath);
	await shoot("entity-dark");
	await page.emulateMedia({ colorScheme: "light" });
	await go("/console?lang=pt-BR");
	check((await page.textContent("h1")) === "Visão geral", "the switch speaks pt-BR");
	await shoot("overview-pt-BR");
	await go("/console?lang=en");

	// A form posted without its CSRF token is refused.
	const refused = await context.request.post(`${base}/console/destinations/${destinations.ok}/disable`, {
		form: { nothing: "here" },
		headers: { origin: base },
		maxRedirects: 0,
	});
	check(refused.status() === 403, "a form posted without its CSRF token is refused with 403");

	// Sign out.
	await submit(page.getByRole("button", { name: "Sign out" }));
	check((await page.locator('input[name="key"]').count()) === 1, "signed out: the sign-in form again");

	// A partner key reads, and sees no management action.
	await page.fill('input[name="key"]', PARTNER_KEY);
	await submit(page.getByRole("button", { name: "Sign in" }));
	for (const path of ["/console", entityPath, "/console/events"]) {
		await go(path);
		const forms = await page.locator('form[method="post"]').evaluateAll((f) => f.map((x) => x.getAttribute("action")));
		check(JSON.stringify(forms) === '["/console/sign-out"]', `a partner sees no management action on ${path}`);
	}
	check(
		(await page.locator('a[href="/console/destinations"]').count()) === 0,
		"a partner sees no Destinations section",
	);
	await shoot("partner-entity");
	return passed;
}

/** The receipts of webhooks refused since `since`, read as an admin through the API. */
async function rejectedSince(base, since) {
	const response = await fetch(`${base}/v1/receipts?outcome=rejected&since=${encodeURIComponent(since)}`, {
		headers: { authorization: `Bearer ${ADMIN_KEY}` },
	});
	return (await response.json()).data;
}
