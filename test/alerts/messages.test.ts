import { describe, expect, it } from "vitest";
import type { Alert, AlertKind } from "../../src/alerts/alert";
import { describeAlert, durationText, slackMessages } from "../../src/alerts/messages";
import { opsEventOf } from "../../src/alerts/ops-events";

const alertOf = (kind: AlertKind, subject: string, details: Alert["details"]): Alert => ({
	id: "alr_1",
	kind,
	fingerprint: `${kind}:${subject}`,
	status: "open",
	subject,
	details,
	count: 3,
	first_seen: "2026-02-18T19:00:00.000Z",
	last_seen: "2026-02-18T19:02:00.000Z",
	acknowledged_at: null,
	acknowledged_by: null,
	resolved_at: null,
});

const destination = { destination_id: "dst_1", host: "hooks.partner.example" };

describe("what an alert says", () => {
	it.each<[AlertKind, string, Alert["details"], string, RegExp]>([
		[
			"entity.stuck",
			"assignment:A-1",
			{
				entity_kind: "assignment",
				entity_key: "A-1",
				status: "pending_payment",
				since: "s",
				allowance_ms: 5_400_000,
				stuck_at: "t",
			},
			"assignment A-1 stuck in pending_payment",
			/allowance of 1h30m of business time since t/,
		],
		[
			"destination.failing",
			"dst_1",
			{ ...destination, consecutive_failures: 12, failing_since: "s", last_failure: "HTTP 503" },
			"Destination dst_1 (hooks.partner.example) failing",
			/12 failed attempts in a row since s; last: HTTP 503/,
		],
		[
			"destination.disabled",
			"dst_1",
			{ ...destination, disabled_reason: "disabled automatically: x" },
			"Destination dst_1 (hooks.partner.example) disabled",
			/disabled automatically: x/,
		],
		[
			"delivery.dead",
			"dst_1",
			{ destination_id: "dst_1", last_event_id: "e" },
			"Deliveries to dst_1 gone dead",
			/3 deliveries .*replay-failed/,
		],
		[
			"ingestion.rejections",
			"signatures",
			{ rejections: 40, window_seconds: 300, threshold: 20 },
			"Burst of rejected webhook signatures",
			/40 rejected signatures in 5 minutes \(threshold 20\)/,
		],
		[
			"ingestion.history_lag",
			"history",
			{ missing: 2, example_event_id: "e1" },
			"Accepted events missing from the history",
			/2 accepted events .*e\.g\. e1/,
		],
		[
			"ingestion.not_ready",
			"d1",
			{ check: "d1", result: "unavailable: boom" },
			"Not ready: d1",
			/d1: unavailable: boom/,
		],
	])("%s: a title and a sentence from its details", (kind, subject, details, title, summary) => {
		const described = describeAlert(alertOf(kind, subject, details));
		expect(described.title).toBe(title);
		expect(described.summary).toMatch(summary);
		expect(`${described.title} ${described.summary}`).not.toMatch(/undefined|NaN/);
	});

	it("escapes Slack's control characters from QI Tech's keys, and links only what has a console page", () => {
		const alert = alertOf("entity.stuck", "asset:<b>&", { entity_kind: "asset", entity_key: "<b>&", status: "x" });
		const [{ message }] = slackMessages([{ change: "opened", alert }], "https://r.example");
		const section = JSON.stringify(message.blocks[0]);
		expect(section).toContain("asset &lt;b&gt;&amp; stuck");
		expect(section).toContain("<https://r.example/console/entities/asset/%3Cb%3E%26|Open in the console>");
		const [{ message: check }] = slackMessages(
			[{ change: "opened", alert: alertOf("ingestion.not_ready", "d1", { check: "d1" }) }],
			"https://r.example",
		);
		expect(JSON.stringify(check)).not.toContain("console");
		const drift = alertOf("contract.new_field", "t:data.x", { example_event_id: "e 1" });
		const [{ message: field }] = slackMessages([{ change: "opened", alert: drift }], "https://r.example");
		expect(JSON.stringify(field)).toContain("<https://r.example/console/events/e%201|Open in the console>");
	});

	it.each([
		[9 * 3_600_000, "9h"],
		[5_400_000, "1h30m"],
		[45 * 60_000, "45m"],
	])("writes %i ms as %s", (ms, text) => {
		expect(durationText(ms)).toBe(text);
	});
});

describe("operational events (the hook for our own forwarding)", () => {
	it("names each change ops.<kind>, with an id stable across retries and the console path", () => {
		const alert = alertOf("destination.disabled", "dst_1", destination);
		expect(opsEventOf(alert, "opened")).toMatchObject({
			type: "ops.destination.disabled",
			id: "alr_1:opened",
			change: "opened",
			occurred_at: alert.first_seen,
			alert: { fingerprint: "destination.disabled:dst_1", console_path: "/console/destinations/dst_1" },
		});
		const resolved = { ...alert, status: "resolved" as const, resolved_at: "2026-02-19T12:00:00.000Z" };
		expect(opsEventOf(resolved, "resolved")).toMatchObject({
			type: "ops.destination.disabled",
			id: "alr_1:resolved",
			occurred_at: "2026-02-19T12:00:00.000Z",
		});
	});
});
