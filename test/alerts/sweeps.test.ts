import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { SlackMessage } from "../../src/alerts/messages";
import worker from "../../src/index";
import { SWEEPS } from "../../src/sweeps";
import { queueNotAnswering } from "../support/faults";
import { PartnerEndpoint } from "../support/partner";
import { envWith } from "../support/worker";

describe("the Cron Trigger", () => {
	it("runs every sweep at the trigger's time, alerts last, and tells Slack in the same run", async () => {
		expect(SWEEPS.map((s) => s.name)).toEqual([
			"stranded deliveries",
			"reseal secrets",
			"retention",
			"payloads to R2",
			"daily exports",
			"alerts.stuck_entities",
			"alerts.destinations",
			"alerts.rejections",
			"alerts.history_lag",
			"alerts.readiness",
			"alerts.quarantine",
			"alerts.contract_drift",
			"alerts.channels",
		]);
		const slack = new PartnerEndpoint(`slack-${crypto.randomUUID()}`);
		const broken = envWith({
			ALERT_SLACK_WEBHOOK_URL: slack.url,
			DELIVERIES_QUEUE: queueNotAnswering(env.DELIVERIES_QUEUE),
		});
		const scheduledTime = Date.parse("2026-03-02T12:00:00.000Z");
		const ctx = createExecutionContext();
		await worker.scheduled(createScheduledController({ scheduledTime, cron: "* * * * *" }), broken, ctx);
		await waitOnExecutionContext(ctx);

		const alert = await env.HISTORY.prepare("SELECT * FROM alerts WHERE fingerprint = ?")
			.bind("ingestion.not_ready:deliveries_queue")
			.first<{ status: string; first_seen: string }>();
		expect(alert).toMatchObject({ status: "open", first_seen: "2026-03-02T12:00:00.000Z" });
		const [message] = (await slack.received()).map((r) => JSON.parse(r.body) as SlackMessage);
		expect(message.text).toBe(":rotating_light: Alert: Not ready: deliveries_queue");
	});
});
