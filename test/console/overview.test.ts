/** /console: the hour's webhooks as counted in the chart's table, each destination's health, the open alerts. */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { eventBody } from "../../simulator/qitech/examples";
import { raise, resolve } from "../../src/alerts/lifecycle";
import { CHART_SERIES } from "../../src/console/chart";
import { ADMIN_KEY } from "../api/partner-client";
import { deliveryRow, destinationFor, PartnerEndpoint } from "../support/partner";
import { deliverOk, post } from "../support/webhook";
import { page, signIn } from "./console-client";

const BATCH = "settlement.payment_batch_status_change";
const HOUR_MS = 3_600_000;

let admin: string;
beforeAll(async () => {
	admin = await signIn(ADMIN_KEY);
});

/** The overview as counted now (a fresh environment: not the counts an isolate keeps for 15 s). */
const overview = () => page("/console", admin, {});

/** One hour's row of the chart's "As a table": each outcome's count. */
async function hourCounts(hour: string): Promise<Record<string, number>> {
	const row = new RegExp(`<th scope="row">${hour.replace("T", " ")}:00</th>((?:<td class="num">\\d+</td>)+)`);
	const cells = row.exec(await overview())?.[1] ?? "";
	const counts = [...cells.matchAll(/\d+/g)].map(Number);
	return Object.fromEntries(CHART_SERIES.map((series, i) => [series, counts[i]]));
}

/** The section of the page under a panel's heading. */
const panel = (html: string, id: string) => new RegExp(`id="h-${id}"(.*?)</section>`, "s").exec(html)?.[1] ?? "";

describe("console: the overview", () => {
	it("counts this hour's webhooks by outcome as they were answered", async () => {
		// Everything below is sent within one hour.
		const untilNextHour = HOUR_MS - (Date.now() % HOUR_MS);
		if (untilNextHour < 15_000) await new Promise((r) => setTimeout(r, untilNextHour + 100));
		const hour = new Date().toISOString().slice(0, 13);
		const before = await hourCounts(hour);
		const assets = [1, 2].map(() => eventBody({ type: "trade_receivables.asset_status_change", status: "completed" }));
		const key = crypto.randomUUID();
		for (const body of [...assets, ...assets]) await deliverOk(body);
		await deliverOk(eventBody({ type: BATCH, key, status: "completed", at: "2026-01-05T12:00:02Z" }));
		expect((await deliverOk(eventBody({ type: BATCH, key, status: "paid", at: "2026-01-05T12:00:01Z" }))).result).toBe(
			"stale",
		);
		expect((await post('{"event_type":"x"}')).status).toBe(401);
		const sent = { accepted: 3, duplicate: 2, stale: 1, quarantined: 0, rejected: 1 };
		const expected = Object.fromEntries(CHART_SERIES.map((s) => [s, before[s] + sent[s]]));
		await expect.poll(() => hourCounts(hour), { timeout: 5_000 }).toEqual(expected);
	});

	it("shows each destination's health: healthy with its last success, failing, disabled", async () => {
		const down = new PartnerEndpoint();
		await down.behave({ down: true });
		const healthy = await destinationFor(new PartnerEndpoint(), { event_types: [BATCH] });
		const failing = await destinationFor(down, { event_types: [BATCH] });
		const disabled = await destinationFor(new PartnerEndpoint(), { event_types: [BATCH], enabled: false });
		const { event_id } = await deliverOk(eventBody({ type: BATCH, status: "paid" }));
		await expect.poll(async () => (await deliveryRow(event_id, healthy.id))?.outcome).toBe("delivered");
		await expect.poll(async () => (await deliveryRow(event_id, failing.id))?.attempts).toBeGreaterThan(0);
		const html = panel(await page("/console", admin), "destinations");
		const rowOf = (id: string) =>
			new RegExp(`<a href="/console/destinations/${id}"[^>]*>([^<]+)</a></td><td>(.*?)</td>`, "s").exec(html) ?? [];
		const health = (id: string) => /class="badge b-(\w+)">([^<]+)</.exec(rowOf(id)[2] ?? "")?.slice(1);
		expect(rowOf(healthy.id)[1]).toBe(healthy.url);
		expect(health(healthy.id)).toEqual(["ok", "healthy"]);
		expect(rowOf(healthy.id)[2]).toMatch(/<time datetime="\d{4}-/);
		expect(health(failing.id)).toEqual(["failed", "failing"]);
		expect(health(disabled.id)).toEqual(["paused", "Disabled"]);
	});

	it("lists open alerts linked to what they are about, and not resolved ones", async () => {
		const [stuck, gone] = [crypto.randomUUID(), crypto.randomUUID()];
		const stuckOf = (key: string) => ({
			kind: "entity.stuck" as const,
			subject: `asset:${key}`,
			details: { entity_kind: "asset", entity_key: key },
		});
		await raise(env, [stuckOf(stuck), stuckOf(gone)]);
		await resolve(env, [`entity.stuck:asset:${gone}`]);
		const alerts = panel(await page("/console", admin), "alerts");
		expect(alerts).toMatch(
			new RegExp(
				`>entity\\.stuck</a> <a href="/console/entities/asset/${stuck}" class="mono small">asset:${stuck}</a>`,
			),
		);
		expect(alerts).not.toContain(gone);
	});
});
