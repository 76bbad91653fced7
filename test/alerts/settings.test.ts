import { describe, expect, it } from "vitest";
import { parseSettings, type SettingsEnv } from "../../src/settings";

const HOUR = 3_600_000;
const problemsOf = (env: SettingsEnv) => parseSettings(env).problems.map((p) => p.setting);

describe("the alert settings", () => {
	it("read business hours, extra holidays, allowances in the calendar's days, and the public URL", () => {
		const settings = parseSettings({
			BUSINESS_HOURS: "08:00-20:00",
			EXTRA_HOLIDAYS: "2026-01-25, 2026-07-09",
			STUCK_ALLOWANCES: "asset.pre_approved=2d,payment_batch.paid=90m",
			ALERT_DESTINATION_FAILING_AFTER_SECONDS: "600",
			ALERT_REJECTIONS_THRESHOLD: "50",
			ALERT_SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T0/B0/x",
			PUBLIC_URL: "https://receiver.example/",
		});
		expect(settings.problems).toEqual([]);
		expect(settings).toMatchObject({
			BUSINESS_HOURS: { dayStart: "08:00", dayEnd: "20:00" },
			EXTRA_HOLIDAYS: ["2026-01-25", "2026-07-09"],
			STUCK_ALLOWANCES: { asset: { pre_approved: 24 * HOUR }, payment_batch: { paid: 1.5 * HOUR } },
			ALERT_DESTINATION_FAILING_AFTER_SECONDS: 600,
			ALERT_REJECTIONS_THRESHOLD: 50,
			PUBLIC_URL: "https://receiver.example",
		});
	});

	it("defaults to 09:00-18:00, no extra holiday, the catalog's allowances, no channel and no links", () => {
		expect(parseSettings({})).toMatchObject({
			BUSINESS_HOURS: { dayStart: "09:00", dayEnd: "18:00" },
			EXTRA_HOLIDAYS: [],
			STUCK_ALLOWANCES: {},
			ALERT_DESTINATION_FAILING_AFTER_SECONDS: 900,
			ALERT_REJECTIONS_THRESHOLD: 20,
			ALERT_SLACK_WEBHOOK_URL: null,
			PUBLIC_URL: null,
			problems: [],
		});
	});

	it.each<[SettingsEnv]>([
		[{ BUSINESS_HOURS: "18:00-09:00" }],
		[{ BUSINESS_HOURS: "9-18" }],
		[{ EXTRA_HOLIDAYS: "2026-02-30" }],
		[{ STUCK_ALLOWANCES: "asset.completed=1h" }],
		[{ ALERT_REJECTIONS_THRESHOLD: "many" }],
		[{ PUBLIC_URL: "receiver.example" }],
		[{ ALERT_SLACK_WEBHOOK_URL: "http://hooks.slack.com/services/secret-token" }],
	])("reports %j by name, without quoting it, and keeps its default", (env) => {
		const [name] = Object.keys(env) as (keyof SettingsEnv)[];
		const settings = parseSettings(env);
		expect(problemsOf(env)).toEqual([name]);
		expect(settings[name]).toEqual(parseSettings({})[name]);
		expect(JSON.stringify(settings.problems)).not.toContain("secret-token");
	});
});
