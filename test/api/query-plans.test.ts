import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { holdStatement, releaseEntitiesStatement, releaseNextStatement } from "../../src/notifications/ordering";
import { leaseStatement, tokenStatement } from "../../src/notifications/pacing";
import {
	deadClearedQuery,
	missingHistoryQuery,
	movedOnQuery,
	rejectionsQuery,
	stuckCandidatesQuery,
} from "../../src/storage/alert-conditions";
import {
	type AlertFilters,
	alertListQuery,
	liveOfKindsQuery,
	pendingNotificationsQuery,
	resolveStatement,
} from "../../src/storage/alerts";
import { attemptsOf, attemptsOfEvent, strandedQuery } from "../../src/storage/deliveries";
import {
	attemptsOfDeliveriesQuery,
	attemptsOfEventsQuery,
	type DeliveryFilters,
	deliveriesOfEventsQuery,
	deliveryListQuery,
	deliveryPositionArity,
} from "../../src/storage/delivery-lookups";
import {
	ALL_KINDS,
	type EntityFilters,
	type EntityPosition,
	entityListQuery,
	entityOrderOf,
	entityRanges,
} from "../../src/storage/entity-lookups";
import { type EventFilters, eventByIdQuery, eventListQuery, eventRanges } from "../../src/storage/event-lookups";
import { pageStatement } from "../../src/storage/export-kinds";
import { type ExportFilters, exportListQuery } from "../../src/storage/export-lookups";
import { EXPORT_KINDS } from "../../src/storage/export-schema";
import {
	destinationOutcomesQuery,
	duplicatesOfEventsQuery,
	entitiesByStatusQuery,
	receiptsByHourQuery,
	rejectionsByReasonQuery,
	undeliveredQuery,
} from "../../src/storage/overview-lookups";
import { type ReceiptFilters, receiptListQuery } from "../../src/storage/receipt-lookups";
import { toQuery } from "../../src/storage/rows";

interface Query {
	toSQL(): { sql: string; params: unknown[] };
}

async function planOf(query: Query): Promise<string[]> {
	const { sql, params } = query.toSQL();
	const { results } = await env.HISTORY.prepare(`EXPLAIN QUERY PLAN ${sql}`)
		.bind(...params)
		.all<{ detail: string }>();
	return results.map((r) => r.detail);
}

/**
 * A plan is indexed when it reads `events` and `entities` only through an index range
 * (SEARCH), never sorts the matches, and walks a whole index in order (SCAN … USING INDEX, or
 * a table WITHOUT ROWID, which is its primary key's index; stopped by LIMIT) only for an
 * unfiltered first page.
 */
function problemsOf(plan: string[], unfiltered: boolean): string[] {
	return plan.filter(
		(step) =>
			/TEMP B-TREE/.test(step) ||
			(/^SCAN (events|entities|receipts|alerts|deliveries|delivery_attempts)\b/.test(step) &&
				!(unfiltered && (/USING (COVERING )?INDEX/.test(step) || WITHOUT_ROWID.test(step)))),
	);
}

/** Tables kept in their primary key's order (migration 0018): a whole walk of one is in key order. */
const WITHOUT_ROWID = /^SCAN (entities|receipts)$/;

/** Every subset of the given filters. */
function subsets<T extends object>(all: T): Partial<T>[] {
	const entries = Object.entries(all);
	return Array.from({ length: 2 ** entries.length }, (_, mask) =>
		Object.fromEntries(entries.filter((_, i) => mask & (1 << i))),
	) as Partial<T>[];
}

const T = "2026-01-01T00:00:00.000Z";

describe("lookup query plans", () => {
	it("flags a query that scans the events table, so the checks below can fail", async () => {
		const plan = await planOf({ toSQL: () => ({ sql: "SELECT * FROM events WHERE payload = ?", params: ["x"] }) });
		expect(problemsOf(plan, false)).not.toEqual([]);
		const sorted = await planOf({
			toSQL: () => ({ sql: "SELECT * FROM entities WHERE kind = ? ORDER BY occurred_at", params: ["x"] }),
		});
		expect(problemsOf(sorted, false)).not.toEqual([]);
	});

	it("serves every entity list the routes issue from an index, with and without a cursor", async () => {
		const combos = subsets<EntityFilters>({
			kind: "asset",
			status: "completed",
			open: true,
			related: "assignment:A-1",
			updatedSince: T,
		}).filter((f) => f.kind !== undefined || (f.status === undefined && f.open === undefined));
		for (const filters of combos) {
			filters.finalStatuses = ["completed", "denied", "discarded"];
			const after: EntityPosition = entityOrderOf(filters) === "related" ? ["asset", "k"] : [T, "asset", "k"];
			// Every kind's range after a position in another kind, before and after it in order, too.
			const positions = filters.kind === undefined ? [after, [T, "zzz", "k"], [T, "aaa", "k"]] : [after];
			for (const position of [null, ...positions] as (EntityPosition | null)[]) {
				for (const range of entityRanges(filters)) {
					const plan = await planOf(entityListQuery(env.HISTORY, range, position, 51));
					expect(problemsOf(plan, false), `${JSON.stringify({ range, position })}\n${plan.join("\n")}`).toEqual([]);
				}
			}
		}
	});

	it("lists accepted events by walking an index in order, never sorting (only other results are indexed)", async () => {
		const combos = subsets<EventFilters>({ type: "trade_receivables.asset_status_change", kind: "asset", since: T });
		for (const filters of combos) {
			for (const position of [null, [T, "e"] as [string, string]]) {
				for (const range of eventRanges({ ...filters, result: "accepted" })) {
					const plan = await planOf(eventListQuery(env.HISTORY, range, position, 51));
					expect(plan.join("\n")).not.toMatch(/TEMP B-TREE|SCAN events$/m);
					expect(plan.join("\n")).toMatch(/USING (COVERING )?INDEX events_by_/);
				}
			}
		}
		const stale = await planOf(eventListQuery(env.HISTORY, { result: "stale" }, null, 51));
		expect(stale.join("\n")).toMatch(/SEARCH events USING INDEX events_by_result \(result=\?\)/);
	});

	it("serves every event list the routes issue from an index, with and without a cursor", async () => {
		const combos = subsets<EventFilters>({
			type: "trade_receivables.asset_status_change",
			kind: "asset",
			key: "A-1",
			status: "completed",
			result: "stale",
			since: T,
			until: "2026-02-01T00:00:00.000Z",
		}).filter(
			(f) =>
				(f.key === undefined || f.kind !== undefined) &&
				(f.status === undefined || f.kind !== undefined || f.type !== undefined),
		);
		expect(combos.length).toBeGreaterThan(60);
		for (const filters of combos) {
			for (const position of [null, [T, "e"] as [string, string]]) {
				for (const range of eventRanges(filters)) {
					const plan = await planOf(eventListQuery(env.HISTORY, range, position, 51));
					const unfiltered = Object.keys(filters).length === 0 && position === null;
					expect(problemsOf(plan, unfiltered), `${JSON.stringify({ range, position })}\n${plan.join("\n")}`).toEqual(
						[],
					);
				}
			}
		}
	});

	it("lists a kind with nothing narrower by each of its types' range of events_by_type, and unclassified events by their own index", async () => {
		expect(eventRanges({ kind: "asset" }).map((range) => range.type)).toEqual([
			"trade_receivables.asset_creation",
			"trade_receivables.asset_status_change",
		]);
		expect(eventRanges({ kind: "asset", key: "A-1" })).toEqual([{ kind: "asset", key: "A-1" }]);
		const cases: [EventFilters, string][] = [
			[{ kind: "assignment" }, "events_by_type"],
			[{ kind: "asset", since: T, result: "accepted" }, "events_by_type"],
			[{ kind: "unclassified" }, "events_unclassified"],
			[{ kind: "unclassified", since: T }, "events_unclassified"],
		];
		for (const [filters, index] of cases) {
			for (const range of eventRanges(filters)) {
				for (const direction of ["asc", "desc"] as const) {
					const plan = (await planOf(eventListQuery(env.HISTORY, range, [T, "e"], 51, direction))).join("\n");
					expect(plan, JSON.stringify(range)).toMatch(new RegExp(`USING INDEX ${index} `));
					expect(plan).not.toMatch(/TEMP B-TREE/);
				}
			}
		}
	});

	it("finds one event by its id through the primary key", async () => {
		const plan = await planOf(eventByIdQuery(env.HISTORY, "e"));
		expect(plan.join("\n")).toMatch(/^SEARCH events USING INDEX sqlite_autoindex_events_1 \(event_id=\?\)/);
	});

	it("serves every receipt list from an index, with and without a cursor", async () => {
		for (const filters of subsets<ReceiptFilters>({
			outcome: "rejected",
			since: T,
			until: "2026-02-01T00:00:00.000Z",
		})) {
			for (const position of [null, [T, 7] as [string, number]]) {
				const plan = await planOf(receiptListQuery(env.HISTORY, filters, position, 51));
				const unfiltered = Object.keys(filters).length === 0 && position === null;
				expect(problemsOf(plan, unfiltered), `${JSON.stringify({ filters, position })}\n${plan.join("\n")}`).toEqual(
					[],
				);
			}
		}
	});

	it("reads a delivery's attempts through the primary key", async () => {
		for (const query of [
			attemptsOfEvent(env.HISTORY, "e"),
			attemptsOf(env.HISTORY, { event_id: "e", destination_id: "d" }),
		]) {
			const plan = await planOf(query);
			expect(problemsOf(plan, false), plan.join("\n")).toEqual([]);
			expect(plan.join("\n")).toMatch(/SEARCH delivery_attempts USING INDEX sqlite_autoindex_delivery_attempts_1/);
		}
	});

	it.each([
		[
			"holding an ordered delivery",
			() =>
				holdStatement(
					{ event_id: "e", destination_id: "d", entity: "asset:k", kind: "asset", key: "k", sequence: 3 },
					T,
				),
		],
		["releasing the next one", () => releaseNextStatement({ event_id: "e", destination_id: "d" }, T)],
		["releasing an entity's blocked ones", () => releaseEntitiesStatement(["asset:k"], T)],
		["taking a pace token", () => tokenStatement("d", 5, 0)],
		["leasing an in-flight slot", () => leaseStatement({ event_id: "e", destination_id: "d" }, 3, 0)],
	])("serves %s from indexes", async (_, statement) => {
		const plan = await planOf({ toSQL: () => toQuery(statement()) });
		expect(problemsOf(plan, false), plan.join("\n")).toEqual([]);
	});

	it("finds stranded deliveries through an index, for the sweep and for one destination", async () => {
		for (const destination of [null, "dst_1"]) {
			const plan = await planOf(strandedQuery(env.HISTORY, T, 500, destination));
			expect(problemsOf(plan, false), plan.join("\n")).toEqual([]);
			expect(plan.join("\n")).toMatch(/SEARCH deliveries USING (COVERING )?INDEX deliveries_by_(outcome|destination)/);
		}
	});
	it("serves every alert list from an index, with and without a cursor", async () => {
		for (const filters of subsets<AlertFilters>({ status: "open", kind: "entity.stuck" })) {
			for (const position of [null, [T, "alr_1"] as [string, string]]) {
				const plan = await planOf(alertListQuery(env.HISTORY, filters, position, 51));
				const unfiltered = Object.keys(filters).length === 0 && position === null;
				expect(problemsOf(plan, unfiltered), `${JSON.stringify({ filters, position })}\n${plan.join("\n")}`).toEqual(
					[],
				);
			}
		}
	});

	it.each([
		[
			"stuck candidates",
			() => stuckCandidatesQuery(env.HISTORY, { kind: "asset", status: "pre_approved", enteredBy: T }, 500),
		],
		["stuck alerts whose entity moved on", () => movedOnQuery(env.HISTORY, "entity.stuck", 500)],
		["rejected signatures in a window", () => rejectionsQuery(env.HISTORY, ["invalid_signature"], T, T)],
		["accepted events missing from the history", () => missingHistoryQuery(env.HISTORY, T, T, 10_000, 500)],
		["dead-delivery alerts with nothing dead left", () => deadClearedQuery(env.HISTORY, "delivery.dead", 500)],
		[
			"live alerts of some kinds",
			() => liveOfKindsQuery(env.HISTORY, ["destination.failing", "destination.disabled"], 1000),
		],
		["changes the channels were not told of", () => pendingNotificationsQuery(env.HISTORY, 100)],
		[
			"resolving by fingerprint",
			() => ({ toSQL: () => toQuery(resolveStatement(["entity.stuck:asset:A-1"], T, true)) }),
		],
	])("serves the alert sweeps' %s from an index", async (_, query) => {
		const plan = await planOf(query());
		expect(problemsOf(plan, false), plan.join("\n")).toEqual([]);
		expect(plan.join("\n")).toMatch(/SEARCH/);
	});

	it.each(EXPORT_KINDS)(
		"walks a day of %s for its export in an index's order, with and without a position",
		async (kind) => {
			const after = {
				events: [T, "e"],
				entities: [T, "asset", "k"],
				receipts: [T, 7],
				deliveries: [T, 7],
				delivery_attempts: [T, 7],
			};
			const ranges = kind === "entities" ? ALL_KINDS : [undefined];
			for (const position of [
				null,
				after[kind],
				...(kind === "entities"
					? [
							[T, "zzz", "k"],
							[T, "aaa", "k"],
						]
					: []),
			]) {
				for (const range of ranges) {
					const plan = await planOf({
						toSQL: () => toQuery(pageStatement(kind, "2026-01-01", position, 1000, range)),
					});
					expect(problemsOf(plan, false), plan.join("\n")).toEqual([]);
					expect(plan.join("\n")).toMatch(/SEARCH \w+ USING ((COVERING )?INDEX|PRIMARY KEY \(\(?received_at)/);
				}
			}
		},
	);

	it("serves every export list from an index, with and without a cursor", async () => {
		for (const filters of subsets<ExportFilters>({ kind: "events", since: "2026-01-01", until: "2026-02-01" })) {
			for (const position of [null, ["2026-01-05", "events"] as [string, string]]) {
				const plan = await planOf(exportListQuery(env.HISTORY, filters, position, 51));
				const unfiltered = Object.keys(filters).length === 0 && position === null;
				const problems = plan.filter((s) => /TEMP B-TREE/.test(s) || (/^SCAN exports\b/.test(s) && !unfiltered));
				expect(problems, `${JSON.stringify({ filters, position })}\n${plan.join("\n")}`).toEqual([]);
			}
		}
	});
});

describe("console query plans", () => {
	/** An aggregate may group what it read in a temporary tree; it must still read one index range. */
	const aggregateProblems = (plan: string[]) =>
		problemsOf(
			plan.filter((step) => !/USE TEMP B-TREE FOR GROUP BY/.test(step)),
			false,
		);

	it.each([
		["webhooks per hour and outcome", () => receiptsByHourQuery(env.HISTORY, T)],
		["resends of a page of events", () => duplicatesOfEventsQuery(env.HISTORY, ["e1", "e2"])],
		["rejections by reason", () => rejectionsByReasonQuery(env.HISTORY, T)],
		["entities per kind and status", () => entitiesByStatusQuery(env.HISTORY, ["asset", "assignment"])],
		["deliveries not delivered, per outcome", () => undeliveredQuery(env.HISTORY)],
		["one destination's deliveries per outcome", () => destinationOutcomesQuery(env.HISTORY, "dst_1")],
	])("counts the overview's %s from one index range", async (_, query) => {
		const plan = await planOf(query());
		expect(aggregateProblems(plan), plan.join("\n")).toEqual([]);
		expect(plan.join("\n")).toMatch(/SEARCH (receipts|entities|deliveries) USING/);
	});

	it("serves every event search of the console newest first, anomaly included, with and without a cursor", async () => {
		const combos = subsets<EventFilters>({
			type: "trade_receivables.asset_status_change",
			kind: "asset",
			key: "A-1",
			status: "completed",
			result: "stale",
			anomaly: "unexpected_transition",
			since: T,
			until: "2026-02-01T00:00:00.000Z",
		}).filter(
			(f) =>
				(f.key === undefined || f.kind !== undefined) &&
				(f.status === undefined || f.kind !== undefined || f.type !== undefined),
		);
		for (const filters of combos) {
			for (const position of [null, [T, "e"] as [string, string]]) {
				for (const range of eventRanges(filters)) {
					const plan = await planOf(eventListQuery(env.HISTORY, range, position, 51, "desc"));
					const unfiltered = Object.keys(filters).length === 0 && position === null;
					expect(problemsOf(plan, unfiltered), `${JSON.stringify({ filters, position })}\n${plan.join("\n")}`).toEqual(
						[],
					);
				}
			}
		}
	});

	it("lists accepted receipts by walking the table in (received_at, id) order (only the other outcomes are indexed)", async () => {
		for (const filters of subsets<ReceiptFilters>({ since: T, until: T })) {
			for (const position of [null, [T, 7] as [string, number]]) {
				for (const direction of ["asc", "desc"] as const) {
					const plan = await planOf(
						receiptListQuery(env.HISTORY, { ...filters, outcome: "accepted" }, position, 51, direction),
					);
					const bounded = Object.keys(filters).length > 0 || position !== null;
					expect(plan.join("\n")).not.toMatch(/TEMP B-TREE/);
					expect(plan.join("\n")).toMatch(
						bounded ? /^SEARCH receipts USING PRIMARY KEY \(\(?received_at/ : /^SCAN receipts$/,
					);
				}
			}
		}
		const rejected = await planOf(receiptListQuery(env.HISTORY, { outcome: "rejected" }, null, 51));
		expect(rejected.join("\n")).toMatch(/SEARCH receipts USING INDEX receipts_by_outcome \(outcome=\?\)/);
	});

	it("serves receipts and alerts newest first from an index", async () => {
		for (const filters of subsets<ReceiptFilters>({ outcome: "rejected", since: T, until: T })) {
			for (const position of [null, [T, 7] as [string, number]]) {
				const plan = await planOf(receiptListQuery(env.HISTORY, filters, position, 51, "desc"));
				const unfiltered = Object.keys(filters).length === 0 && position === null;
				expect(problemsOf(plan, unfiltered), plan.join("\n")).toEqual([]);
			}
		}
		for (const filters of subsets<AlertFilters>({ status: "open", kind: "entity.stuck" })) {
			for (const position of [null, [T, "alr_1"] as [string, string]]) {
				const plan = await planOf(alertListQuery(env.HISTORY, filters, position, 51, "desc"));
				const unfiltered = Object.keys(filters).length === 0 && position === null;
				expect(problemsOf(plan, unfiltered), plan.join("\n")).toEqual([]);
			}
		}
	});

	it("serves every delivery list of the console from an index, with and without a cursor", async () => {
		for (const filters of subsets<DeliveryFilters>({ outcome: "dead", destination: "dst_1" })) {
			const after = Array.from({ length: deliveryPositionArity(filters) }, (_, i) => (i === 0 ? T : 7));
			for (const position of [null, after]) {
				const plan = await planOf(deliveryListQuery(env.HISTORY, filters, position, 51));
				const unfiltered = Object.keys(filters).length === 0 && position === null;
				// Unfiltered, the table itself is walked backwards in rowid order, stopped by LIMIT.
				if (unfiltered) expect(plan).toEqual(["SCAN deliveries"]);
				else
					expect(problemsOf(plan, false), `${JSON.stringify({ filters, position })}\n${plan.join("\n")}`).toEqual([]);
			}
		}
	});

	it.each([
		["deliveries of a page of events", () => deliveriesOfEventsQuery(env.HISTORY, ["e1", "e2"])],
		["attempts of a page of events", () => attemptsOfEventsQuery(env.HISTORY, ["e1", "e2"])],
		[
			"attempts of a page of deliveries",
			() => attemptsOfDeliveriesQuery(env.HISTORY, [{ event_id: "e", destination_id: "d" }]),
		],
	])("reads the %s by primary key", async (_, query) => {
		const plan = await planOf(query());
		expect(problemsOf(plan, false), plan.join("\n")).toEqual([]);
		expect(plan.join("\n")).toMatch(/SEARCH (deliveries|delivery_attempts) USING (COVERING )?INDEX sqlite_autoindex/);
	});
});
