import { describe, expect, it } from "vitest";
import type { Occurrence } from "../../src/alerts/alert";
import { tellChannels } from "../../src/alerts/channels";
import { raise, resolve } from "../../src/alerts/lifecycle";
import type { SlackMessage } from "../../src/alerts/messages";
import { PartnerEndpoint } from "../support/partner";
import { type EnvChanges, envWith } from "../support/worker";

const PUBLIC_URL = "https://receiver.example";
const T0 = new Date("2026-03-02T12:00:00.000Z");
const stuck = (key: string): Occurrence => ({
	kind: "entity.stuck",
	subject: `asset:${key}`,
	details: {
		entity_kind: "asset",
		entity_key: key,
		status: "pre_approved",
		since: "2026-02-27T12:00:00.000Z",
		allowance_ms: 9 * 3_600_000,
		stuck_at: "2026-03-02T12:00:00.000Z",
	},
});

/** A Slack stand-in of its own and the settings that point at it. */
function slackChannel(changes: EnvChanges = { PUBLIC_URL }) {
	const slack = new PartnerEndpoint(`slack-${crypto.randomUUID()}`);
	const env = envWith({ ALERT_SLACK_WEBHOOK_URL: slack.url, ...changes });
	const messages = async () => (await slack.received()).map((r) => JSON.parse(r.body) as SlackMessage);
	return { slack, env, messages };
}

const keys = (n: number) => Array.from({ length: n }, () => crypto.randomUUID());

describe("telling Slack", () => {
	it("sends one message per opening, with the entity's console link, and nothing for repeats", async () => {
		const { env, messages } = slackChannel();
		const [key] = keys(1);
		await raise(env, [stuck(key)], T0);
		await raise(env, [stuck(key)], new Date(T0.getTime() + 60_000));
		expect(await tellChannels(env, T0)).toMatchObject({ told: 1 });
		const [message, ...more] = await messages();
		expect(more).toEqual([]);
		expect(message.text).toBe(`:rotating_light: Alert: asset ${key} stuck in pre_approved`);
		expect(message.blocks[0]).toMatchObject({
			text: { text: expect.stringContaining(`<${PUBLIC_URL}/console/entities/asset/${key}|Open in the console>`) },
		});
		expect(JSON.stringify(message.blocks)).toContain("allowance of 9h of business time");
	});

	it("sends one digest when more than five open at once, and one each for five or fewer", async () => {
		const { env, messages } = slackChannel();
		const many = keys(7);
		await raise(
			env,
			many.map((key) => stuck(key)),
			T0,
		);
		await tellChannels(env, T0);
		const [digest] = await messages();
		expect(digest.text).toBe(":rotating_light: 7 alerts opened");
		for (const key of many) expect(JSON.stringify(digest)).toContain(`/console/entities/asset/${key}|`);
		const few = keys(5);
		const opened = await raise(
			env,
			few.map((key) => stuck(key)),
			T0,
		);
		await resolve(
			env,
			many.map((key) => `entity.stuck:asset:${key}`),
			T0,
		);
		await tellChannels(env, T0);
		const texts = (await messages()).slice(1).map((m) => m.text);
		expect(texts.filter((t) => t.startsWith(":rotating_light: Alert: asset"))).toHaveLength(5);
		expect(texts.filter((t) => t === ":white_check_mark: 7 alerts resolved")).toHaveLength(1);
		expect(texts).toHaveLength(6);
		await resolve(
			env,
			opened.map((c) => c.alert.fingerprint),
			T0,
		);
		await tellChannels(env, T0);
		const resolutions = (await messages()).slice(7).map((m) => m.text);
		expect(resolutions).toHaveLength(5);
		expect(resolutions.every((t) => t.startsWith(":white_check_mark: Resolved: asset"))).toBe(true);
	});

	it("keeps what a failing Slack did not get, never throws, and tells it on the next run", async () => {
		const { slack, env, messages } = slackChannel();
		await slack.behave({ down: true, status: 503 });
		const [key] = keys(1);
		await raise(env, [stuck(key)], T0);
		expect(await tellChannels(env, T0)).toMatchObject({ told: 0, waiting: 1 });
		expect(await messages()).toHaveLength(1);
		await slack.behave({});
		expect(await tellChannels(env, T0)).toMatchObject({ told: 1, waiting: 0 });
		expect(await tellChannels(env, T0)).toMatchObject({ told: 0 });
		const texts = (await messages()).map((m) => m.text);
		expect(texts).toEqual([texts[0], texts[0]]);
	});

	it("omits links when PUBLIC_URL is not set, and queues nothing when no channel is", async () => {
		const { env, messages } = slackChannel({});
		const [key] = keys(1);
		await raise(env, [stuck(key)], T0);
		await tellChannels(env, T0);
		const [message] = await messages();
		expect(JSON.stringify(message)).not.toContain("/console/");

		const unconfigured = envWith({});
		const [quiet] = keys(1);
		await raise(unconfigured, [stuck(quiet)], T0);
		expect(await tellChannels(unconfigured, T0)).toEqual({ told: 0 });
		const later = slackChannel();
		await tellChannels(later.env, T0);
		expect(await later.messages()).toEqual([]);
	});
});
