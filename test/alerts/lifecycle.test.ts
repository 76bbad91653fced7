import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { fingerprintOf, type Occurrence } from "../../src/alerts/alert";
import { acknowledge, raise, reconcile, resolve } from "../../src/alerts/lifecycle";

const T0 = new Date("2026-03-02T12:00:00.000Z");
const later = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const stuck = (key: string, details: Record<string, unknown> = {}): Occurrence => ({
	kind: "entity.stuck",
	subject: `assignment:${key}`,
	details: { entity_kind: "assignment", entity_key: key, ...details },
});

async function rowsOf(fingerprint: string) {
	const { results } = await env.HISTORY.prepare("SELECT * FROM alerts WHERE fingerprint = ? ORDER BY first_seen")
		.bind(fingerprint)
		.all<{ id: string; status: string; count: number; first_seen: string; last_seen: string; details: string }>();
	return results;
}

describe("an alert's life", () => {
	it("opens once per fingerprint; repeats count on it and keep its first_seen", async () => {
		const key = crypto.randomUUID();
		const [opened] = await raise(env, [stuck(key, { n: 1 })], T0);
		expect(opened.change).toBe("opened");
		expect(opened.alert).toMatchObject({
			kind: "entity.stuck",
			fingerprint: `entity.stuck:assignment:${key}`,
			status: "open",
			count: 1,
			first_seen: T0.toISOString(),
		});
		const [repeated] = await raise(env, [stuck(key, { n: 2 })], later(1));
		expect(repeated).toMatchObject({ change: "repeated", alert: { id: opened.alert.id, count: 2, details: { n: 2 } } });
		expect(repeated.alert.last_seen).toBe(later(1).toISOString());
		expect(repeated.alert.first_seen).toBe(T0.toISOString());
		expect(await rowsOf(opened.alert.fingerprint)).toHaveLength(1);
	});

	it("counts several occurrences of one fingerprint in one call as one change with their summed count", async () => {
		const destination = `dst_${crypto.randomUUID()}`;
		const dead = (event: string): Occurrence => ({
			kind: "delivery.dead",
			subject: destination,
			details: { destination_id: destination, last_event_id: event },
		});
		const changes = await raise(env, [dead("e1"), dead("e2"), { ...dead("e3"), count: 3 }], T0);
		expect(changes).toHaveLength(1);
		expect(changes[0]).toMatchObject({ change: "opened", alert: { count: 5, details: { last_event_id: "e3" } } });
	});

	it("resolves once; a later occurrence opens a new alert", async () => {
		const key = crypto.randomUUID();
		const [opened] = await raise(env, [stuck(key)], T0);
		const [resolved] = await resolve(env, [opened.alert.fingerprint], later(5));
		expect(resolved).toMatchObject({ change: "resolved", alert: { id: opened.alert.id, status: "resolved" } });
		expect(resolved.alert.resolved_at).toBe(later(5).toISOString());
		expect(await resolve(env, [opened.alert.fingerprint], later(6))).toEqual([]);
		const [again] = await raise(env, [stuck(key)], later(10));
		expect(again.change).toBe("opened");
		expect(again.alert.id).not.toBe(opened.alert.id);
		expect((await rowsOf(opened.alert.fingerprint)).map((r) => [r.status, r.count])).toEqual([
			["resolved", 1],
			["open", 1],
		]);
	});

	it("keeps an acknowledged alert acknowledged while it repeats, and resolves it when its condition clears", async () => {
		const key = crypto.randomUUID();
		const [opened] = await raise(env, [stuck(key)], T0);
		const acknowledged = await acknowledge(env, opened.alert.id, "ops-maria", later(1));
		expect(acknowledged).toMatchObject({
			changed: true,
			alert: { status: "acknowledged", acknowledged_by: "ops-maria", acknowledged_at: later(1).toISOString() },
		});
		const [repeated] = await raise(env, [stuck(key)], later(2));
		expect(repeated).toMatchObject({ change: "repeated", alert: { status: "acknowledged", count: 2 } });
		expect(await acknowledge(env, opened.alert.id, "ops-joao", later(3))).toMatchObject({
			changed: false,
			alert: { acknowledged_by: "ops-maria" },
		});
		const [resolved] = await resolve(env, [opened.alert.fingerprint], later(4));
		expect(resolved.alert).toMatchObject({ status: "resolved", acknowledged_by: "ops-maria" });
		expect(await acknowledge(env, opened.alert.id, "ops-joao", later(5))).toMatchObject({
			changed: false,
			alert: { status: "resolved" },
		});
		expect(await acknowledge(env, "alr_none", "ops-joao")).toBeNull();
	});

	it("reconciles a fully evaluated condition: raises what holds, resolves what no longer does", async () => {
		const check = `check_${crypto.randomUUID()}`;
		const notReady = (subject: string): Occurrence => ({ kind: "ingestion.not_ready", subject, details: {} });
		const first = await reconcile(env, ["ingestion.not_ready"], [notReady(check)], T0);
		expect(first.filter((c) => c.alert.subject === check).map((c) => c.change)).toEqual(["opened"]);
		const second = await reconcile(env, ["ingestion.not_ready"], [], later(1));
		expect(second.filter((c) => c.alert.subject === check).map((c) => c.change)).toEqual(["resolved"]);
		expect((await rowsOf(fingerprintOf("ingestion.not_ready", check))).map((r) => r.status)).toEqual(["resolved"]);
	});

	it("raises and resolves a thousand alerts in one statement each", async () => {
		const keys = Array.from({ length: 1000 }, () => crypto.randomUUID());
		const opened = await raise(
			env,
			keys.map((key) => stuck(key)),
			T0,
		);
		expect(opened.filter((c) => c.change === "opened")).toHaveLength(1000);
		const resolved = await resolve(
			env,
			opened.map((c) => c.alert.fingerprint),
			later(1),
		);
		expect(resolved).toHaveLength(1000);
	});
});
