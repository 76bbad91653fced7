/** Issue 11, section 5: destination signing secrets are sealed in D1, and their key rotates. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signingSecretOf } from "../../src/notifications/destinations";
import { resealSecrets } from "../../src/notifications/reseal";
import { findDestination } from "../../src/storage/destinations";
import { ADMIN_KEY, lookupWith } from "../api/partner-client";
import { PartnerEndpoint } from "../support/partner";
import { type EnvChanges, envWith, fetchWith } from "../support/worker";

const CURRENT = env.SECRETS_ENCRYPTION_KEYS ?? "";
const NEXT = `k2:${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))}`;

function admin(changes: EnvChanges, method: string, path: string, body?: unknown) {
	return lookupWith(changes, path, { key: ADMIN_KEY, method, body });
}

async function created(changes: EnvChanges = {}) {
	const response = await admin(changes, "POST", "/v1/destinations", {
		url: new PartnerEndpoint().url,
		event_types: ["*"],
	});
	expect(response.status).toBe(201);
	return response.json<{ id: string; secret: string }>();
}

/** Every row of every table in the D1 history, as text. */
async function dumpOfHistory(): Promise<string> {
	const tables = await env.HISTORY.prepare(
		"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
	).all<{ name: string }>();
	expect(tables.results.map((t) => t.name)).toContain("destinations");
	const rows = await Promise.all(tables.results.map((t) => env.HISTORY.prepare(`SELECT * FROM "${t.name}"`).all()));
	return JSON.stringify(rows.map((r) => r.results));
}

describe("destination secrets at rest", () => {
	it("are sealed: a dump of D1 shows no whsec_ value, and deliveries still sign with the secret", async () => {
		const { id, secret } = await created();
		const rotated = await admin({}, "PATCH", `/v1/destinations/${id}`, { rotate_secret: true });
		const newSecret = (await rotated.json<{ secret: string }>()).secret;
		const dump = await dumpOfHistory();
		expect(dump).not.toContain("whsec_");
		expect(dump).not.toContain(secret.slice(6));
		const row = await findDestination(env.HISTORY, id);
		expect(row?.secret).toMatch(/^v1\.dev1\./);
		expect(await signingSecretOf(env, row as NonNullable<typeof row>)).toBe(newSecret);
	});

	it("are sealed again with a new first key by the sweep, and then open without the old key", async () => {
		const { id, secret } = await created();
		const both = envWith({ SECRETS_ENCRYPTION_KEYS: `${NEXT},${CURRENT}` });
		await resealSecrets.run(both, new Date());
		const row = await findDestination(env.HISTORY, id);
		expect(row?.secret).toMatch(/^v1\.k2\./);
		const onlyNew = envWith({ SECRETS_ENCRYPTION_KEYS: NEXT });
		expect(await signingSecretOf(onlyNew, row as NonNullable<typeof row>)).toBe(secret);
		await expect(signingSecretOf(env, row as NonNullable<typeof row>)).rejects.toThrow(/does not list/);
	});

	it("do not open when moved to another destination or altered", async () => {
		const a = await created();
		const b = await created();
		const rowA = await findDestination(env.HISTORY, a.id);
		const rowB = await findDestination(env.HISTORY, b.id);
		if (!rowA || !rowB) throw new Error("destinations not stored");
		await expect(signingSecretOf(env, { ...rowB, secret: rowA.secret })).rejects.toThrow(/sealed for something else/);
		const altered = `${rowA.secret.slice(0, -2)}${rowA.secret.endsWith("A") ? "B" : "A"}A`;
		await expect(signingSecretOf(env, { ...rowA, secret: altered })).rejects.toThrow(/does not open/);
	});

	it("cannot be stored without SECRETS_ENCRYPTION_KEYS: 503, and /readyz warns", async () => {
		const none = { SECRETS_ENCRYPTION_KEYS: "" };
		const response = await admin(none, "POST", "/v1/destinations", {
			url: new PartnerEndpoint().url,
			event_types: ["*"],
		});
		expect(response.status).toBe(503);
		expect(await response.json()).toMatchObject({ error: { code: "unavailable", message: /SECRETS_ENCRYPTION_KEYS/ } });
		const ready = await (await fetchWith(none, new Request("https://receiver.test/readyz"))).json<{
			warnings: string[];
		}>();
		expect(ready.warnings).toContainEqual(expect.stringMatching(/^SECRETS_ENCRYPTION_KEYS: not set/));
	});
});
