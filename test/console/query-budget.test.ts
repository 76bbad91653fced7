/**
 * What one console page costs its storage: a handful of D1 statements and at most one ledger call
 * (README, "Console"), counted on the real bindings with every page's data seeded.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN_KEY } from "../api/partner-client";
import { page, signIn } from "./console-client";
import { type Seeded, seedConsole } from "./seed";

/** The real bindings, counting the D1 statements prepared and the ledgers asked. */
function countingBindings() {
	const count = { statements: 0, ledgers: 0 };
	const db = env.HISTORY;
	const history = {
		prepare(query: string) {
			count.statements++;
			return db.prepare(query);
		},
		batch: (statements: D1PreparedStatement[]) => db.batch(statements),
		exec: (query: string) => db.exec(query),
		withSession: (constraint?: string) => db.withSession(constraint),
		dump: () => db.dump(),
	} as D1Database;
	const ledgers = new Proxy(env.ENTITY_LEDGER, {
		get(target, property) {
			const value = Reflect.get(target, property);
			if (typeof value !== "function") return value;
			return (...args: unknown[]) => {
				if (property === "get" || property === "getByName") count.ledgers++;
				return value.apply(target, args);
			};
		},
	});
	return { count, changes: { HISTORY: history, ENTITY_LEDGER: ledgers } };
}

let seeded: Seeded;
let cookie: string;

beforeAll(async () => {
	seeded = await seedConsole();
	cookie = await signIn(ADMIN_KEY);
}, 60_000);

describe("each console page", () => {
	// Each page's statements as counted today: a page that needs one more changes this table on purpose.
	const pages: [string, () => string, number, number][] = [
		["the overview", () => "/console", 6, 0],
		["events", () => "/console/events", 1, 0],
		["events by result", () => "/console/events?result=stale", 1, 0],
		["deliveries", () => "/console/deliveries", 3, 0],
		["destinations", () => "/console/destinations", 1, 0],
		["a destination", () => `/console/destinations/${seeded.failing.id}`, 2, 0],
		["receipts", () => "/console/receipts", 1, 0],
		["alerts", () => "/console/alerts", 1, 0],
		["an entity", () => `/console/entities/${seeded.stale.kind}/${seeded.stale.key}`, 6, 1],
	];

	it.each(pages)(
		"%s reads D1 in a handful of statements and asks at most one ledger",
		async (_, path, most, ledgers) => {
			const { count, changes } = countingBindings();
			await page(path(), cookie, changes);
			expect(count.statements, "D1 statements").toBeGreaterThan(0);
			expect(count.statements, "D1 statements").toBeLessThanOrEqual(most);
			expect(count.ledgers, "ledger calls").toBe(ledgers);
		},
	);
});
