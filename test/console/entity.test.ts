/** /console/entities/{kind}/{key}: what it belongs to and holds as links, its deliveries, its way through the flow, its payloads. */
import { beforeAll, describe, expect, it } from "vitest";
import { eventBody, typeOf } from "../../simulator/qitech/examples";
import { ADMIN_KEY } from "../api/partner-client";
import { deliveryRow, destinationFor, PartnerEndpoint } from "../support/partner";
import { deliverOk, historyRows } from "../support/webhook";
import { linkedEntities, page, signIn, unescapeHtml } from "./console-client";

const ASSIGNMENT = "trade_receivables.assignment_status_change";
const BATCH = "settlement.payment_batch_status_change";
const entityPage = (kind: string, key: string) => `/console/entities/${kind}/${key}`;

let admin: string;
beforeAll(async () => {
	admin = await signIn(ADMIN_KEY);
});

/** The `<tbody>` of one event on the entity page: its row, payload, deliveries and their attempts. */
function eventSection(html: string, eventId: string): string {
	return new RegExp(`<tbody id="ev-\\d+" data-event="${eventId}">(.*?)</tbody>`, "s").exec(html)?.[1] ?? "";
}

/** The flow diagram's boxes: status → its classes, and whether it is ringed. */
function flowBoxes(html: string): Map<string, { classes: string[]; ringed: boolean }> {
	const boxes = html.matchAll(/<g class="([^"]*)" data-status="([a-z_]+)">(.*?)<\/g>/gs);
	return new Map(
		[...boxes].map(([, classes, status, inner]) => [
			status,
			{ classes: classes.split(" ").filter(Boolean), ringed: inner.includes('class="ring"') },
		]),
	);
}

describe("console: the entity page", () => {
	it("links an assignment to its assets, and each asset back to its assignment", async () => {
		const assignment = crypto.randomUUID();
		const assets = [crypto.randomUUID(), crypto.randomUUID()];
		const answers = [
			await deliverOk(eventBody({ type: ASSIGNMENT, key: assignment, status: "pending_assets_insertion" })),
			...(await Promise.all(
				assets.map((key) =>
					deliverOk(
						eventBody({
							type: typeOf("asset", "pending_eligibility"),
							key,
							status: "pending_eligibility",
							links: { assignment },
						}),
					),
				),
			)),
		];
		await historyRows(answers.map((a) => a.event_id));
		const members = linkedEntities(await page(entityPage("assignment", assignment), admin));
		expect(members).toEqual(expect.arrayContaining(assets.map((key) => `asset:${key}`)));
		expect(linkedEntities(await page(entityPage("asset", assets[0]), admin))).toContain(`assignment:${assignment}`);
	});

	it("shows each event's deliveries with every attempt: status code and outcome", async () => {
		const endpoint = new PartnerEndpoint();
		await endpoint.behave({ failFirstOf: true });
		const destination = await destinationFor(endpoint, { event_types: [BATCH] });
		const key = crypto.randomUUID();
		const { event_id } = await deliverOk(eventBody({ type: BATCH, key, status: "paid" }));
		await expect
			.poll(async () => (await deliveryRow(event_id, destination.id))?.outcome, { timeout: 15_000 })
			.toBe("delivered");
		const section = eventSection(await page(entityPage("payment_batch", key), admin), event_id);
		expect(section).toContain(`href="/console/destinations/${destination.id}"`);
		expect(section).toContain(destination.url);
		const attempts = section.matchAll(
			/<tr><td class="num">(\d+)<\/td><td>.*?<\/td><td><span class="badge b-(\w+)">\w+<\/span><\/td><td class="num">(\d+)<\/td>/gs,
		);
		expect([...attempts].map(([, n, outcome, status]) => [Number(n), outcome, Number(status)])).toEqual([
			[1, "pending", 503],
			[2, "delivered", 200],
		]);
	});

	it("draws the flow: statuses entered highlighted, the current one marked, one seen only late dashed, finals ringed", async () => {
		const key = crypto.randomUUID();
		const send = (status: string, second: number) =>
			deliverOk(eventBody({ type: typeOf("asset", status), key, status, at: `2026-01-05T12:00:0${second}Z` }));
		await send("pending_eligibility", 1);
		await send("pre_approved", 3);
		expect((await send("pending_documentation", 2)).result).toBe("stale");
		const html = await page(entityPage("asset", key), admin);
		const boxes = flowBoxes(html);
		expect(boxes.get("pending_eligibility")?.classes).toEqual(["passed"]);
		expect(boxes.get("pre_approved")?.classes).toEqual(["current"]);
		expect(boxes.get("pending_documentation")?.classes).toEqual(["stale-only"]);
		expect(boxes.get("pending_formalization")?.classes).toEqual([]);
		const ringed = [...boxes].filter(([, box]) => box.ringed).map(([status]) => status);
		expect(ringed).toEqual(["completed", "denied", "discarded"]);
		for (const status of ringed) expect(boxes.get(status)?.classes).toEqual(["final"]);
		expect(html.match(/class="edge taken"/g)).toHaveLength(1);
	});

	it("shows a payload byte for byte as received: non-ASCII text and 150.00 as written", async () => {
		const key = crypto.randomUUID();
		const extra = { observacao: "Cessão de crédito — São Paulo, 5º andar ✓ <b>&'\"", valor: "VALOR" };
		const body = eventBody({ type: BATCH, key, status: "paid", extra }).replace('"VALOR"', "150.00");
		const { event_id } = await deliverOk(body);
		await historyRows([event_id]);
		const html = await page(`${entityPage("payment_batch", key)}?event=${event_id}`, admin);
		const raw = /<pre id="payload-raw"[^>]*>([^<]*)<\/pre>/.exec(html)?.[1];
		expect(raw).toBeDefined();
		expect(unescapeHtml(raw ?? "")).toBe(body);
		// The indented view shows the same values as written, and is the same JSON.
		const pretty = unescapeHtml(/<pre class="payload" id="payload-pretty"[^>]*>([^<]*)<\/pre>/.exec(html)?.[1] ?? "");
		expect(pretty).toContain('"valor": 150.00');
		expect(pretty.split("\n").length).toBeGreaterThan(5);
		expect(JSON.parse(pretty)).toEqual(JSON.parse(body));
	});
});
