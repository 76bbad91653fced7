import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { eventBody } from "../../simulator/qitech/examples";
import { tellChannels } from "../../src/alerts/channels";
import { sweepDestinations } from "../../src/alerts/destination-health";
import type { SlackMessage } from "../../src/alerts/messages";
import { findDestination } from "../../src/storage/destinations";
import { ADMIN_KEY, lookup } from "../api/partner-client";
import { deliveryRow, destinationFor, PartnerEndpoint } from "../support/partner";
import { deliverOk } from "../support/webhook";
import { envWith } from "../support/worker";

const PUBLIC_URL = "https://receiver.example";
const batchEvent = () =>
	eventBody({ type: "settlement.payment_batch_status_change", key: crypto.randomUUID(), status: "paid" });
const at = (base: Date, minutes: number) => new Date(base.getTime() + minutes * 60_000);

async function alertsOf(fingerprint: string) {
	const { results } = await env.HISTORY.prepare("SELECT * FROM alerts WHERE fingerprint = ? ORDER BY first_seen")
		.bind(fingerprint)
		.all<{ status: string; count: number; details: string }>();
	return results.map((r) => ({ status: r.status, count: r.count, details: JSON.parse(r.details) }));
}

async function messagesAbout(slack: PartnerEndpoint, destinationId: string) {
	const bodies = (await slack.received()).map((r) => JSON.parse(r.body) as SlackMessage);
	return bodies.filter((m) => m.text.includes(destinationId));
}

async function outcomeOf(eventId: string, destinationId: string, outcome: string) {
	await expect
		.poll(async () => (await deliveryRow(eventId, destinationId))?.outcome, { timeout: 15_000 })
		.toBe(outcome);
}

describe("a destination failing, disabled, recovered", () => {
	it("opens one alert for each condition however many attempts fail, tells Slack with a console link, and resolves them", async () => {
		const slack = new PartnerEndpoint(`slack-${crypto.randomUUID()}`);
		const alertEnv = envWith({ ALERT_SLACK_WEBHOOK_URL: slack.url, PUBLIC_URL });
		const partner = new PartnerEndpoint();
		await partner.behave({ down: true, status: 500 });
		const destination = await destinationFor(partner);
		const { id } = destination;
		const link = `<${PUBLIC_URL}/console/destinations/${id}|Open in the console>`;

		// Five failed attempts (the test queue's retries), then the dead-letter queue.
		const first = await deliverOk(batchEvent());
		await outcomeOf(first.event_id, id, "dead");
		await expect.poll(() => alertsOf(`delivery.dead:${id}`)).toMatchObject([{ status: "open", count: 1 }]);

		const start = new Date();
		await sweepDestinations(alertEnv, at(start, 10));
		expect(await alertsOf(`destination.failing:${id}`)).toEqual([]);
		await sweepDestinations(alertEnv, at(start, 16));
		await sweepDestinations(alertEnv, at(start, 17));
		expect(await alertsOf(`destination.failing:${id}`)).toMatchObject([
			{ status: "open", count: 2, details: { destination_id: id, host: "partner.example", consecutive_failures: 5 } },
		]);

		// A day of failures, as the delivery tests do it; the next failed attempt disables it.
		await env.HISTORY.prepare("UPDATE destinations SET failing_since = ? WHERE id = ?")
			.bind(new Date(Date.now() - 2 * 86_400_000).toISOString(), id)
			.run();
		const second = await deliverOk(batchEvent());
		await expect.poll(async () => (await findDestination(env.HISTORY, id))?.enabled, { timeout: 10_000 }).toBe(false);
		await sweepDestinations(alertEnv, at(start, 18));
		expect(await alertsOf(`destination.disabled:${id}`)).toMatchObject([{ status: "open", count: 1 }]);
		expect(await alertsOf(`destination.failing:${id}`)).toMatchObject([{ status: "open", count: 3 }]);

		expect(await tellChannels(alertEnv, at(start, 18))).toMatchObject({ told: 2, waiting: 0 });
		const opened = await messagesAbout(slack, id);
		expect(opened.map((m) => m.text)).toEqual([
			`:rotating_light: Alert: Destination ${id} (partner.example) failing`,
			`:rotating_light: Alert: Destination ${id} (partner.example) disabled`,
		]);
		for (const message of opened)
			expect(message.blocks[0]).toMatchObject({ text: { text: expect.stringContaining(link) } });
		// Told once: a second run has nothing to say.
		expect(await tellChannels(alertEnv, at(start, 19))).toMatchObject({ told: 0 });

		// Recovery: the partner answers again and an admin enables the destination (held deliveries replay).
		await partner.behave({});
		const enabled = await lookup(`/v1/destinations/${id}`, {
			key: ADMIN_KEY,
			method: "PATCH",
			body: { enabled: true },
		});
		expect(enabled.status).toBe(200);
		await outcomeOf(second.event_id, id, "delivered");
		expect(await sweepDestinations(alertEnv, at(start, 20))).toMatchObject({ resolved: 2 });
		expect((await alertsOf(`delivery.dead:${id}`)).map((a) => a.status)).toEqual(["open"]);
		// The dead delivery stays dead until it is replayed.
		const replay = await lookup(`/v1/destinations/${id}/replay-failed`, { key: ADMIN_KEY, method: "POST" });
		expect(replay.status).toBe(202);
		await outcomeOf(first.event_id, id, "delivered");
		expect(await sweepDestinations(alertEnv, at(start, 21))).toMatchObject({ resolved: 1 });

		for (const kind of ["destination.failing", "destination.disabled", "delivery.dead"]) {
			expect((await alertsOf(`${kind}:${id}`)).map((a) => a.status)).toEqual(["resolved"]);
		}
		await tellChannels(alertEnv, at(start, 21));
		const all = await messagesAbout(slack, id);
		expect(all.slice(2).map((m) => m.text)).toEqual([
			`:white_check_mark: Resolved: Destination ${id} (partner.example) failing`,
			`:white_check_mark: Resolved: Destination ${id} (partner.example) disabled`,
			`:white_check_mark: Resolved: Deliveries to ${id} gone dead`,
		]);
	});
});
