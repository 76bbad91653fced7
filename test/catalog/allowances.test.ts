import { describe, expect, it } from "vitest";
import {
	allowanceOf,
	allowanceOverridesSchema,
	allowanceOverridesSchemaFor,
	openStatusesOf,
} from "../../src/catalog/allowances";
import { ENTITY_KINDS, FLOWS } from "../../src/catalog/catalog";

const HOUR = 3_600_000;
const openPairs = ENTITY_KINDS.flatMap((kind) => openStatusesOf(kind).map((status) => [kind, status] as const));
const finalPairs = ENTITY_KINDS.flatMap((kind) => FLOWS[kind].final.map((status) => [kind, status] as const));

describe("default allowances", () => {
	it("covers the open statuses of the catalog's flows", () => {
		expect(openPairs.length).toBeGreaterThan(20);
		expect(openStatusesOf("assignment")).toContain("denied");
		expect(openStatusesOf("issuer")).toEqual([]);
	});

	it.each(openPairs)("gives %s in %s a positive allowance", (kind, status) => {
		expect(allowanceOf(kind, status)).toBeGreaterThan(0);
	});

	it.each(finalPairs)("gives %s in final %s none", (kind, status) => {
		expect(allowanceOf(kind, status)).toBeNull();
	});

	it("gives none to unknown statuses and kinds outside the catalog", () => {
		expect(allowanceOf("asset", "lost_in_transit")).toBeNull();
		expect(allowanceOf("asset", "toString")).toBeNull();
		expect(allowanceOf("unclassified", "pending")).toBeNull();
	});

	it.each([
		["operation", "pending_signature_submission", 8],
		["operation", "waiting_signature", 27],
		["subscription_payment", "waiting_confirmation", 4],
		["assignment", "denied", 45],
		["payment_batch", "paid", 9],
	])("lets %s stay %s for %i business hours", (kind, status, hours) => {
		expect(allowanceOf(kind, status)).toBe(hours * HOUR);
	});
});

describe("allowance overrides", () => {
	const parse = (text: string) => allowanceOverridesSchema.parse(text);

	it("replaces defaults, an exact status before its kind's wildcard, whatever the order", () => {
		const overrides = parse(
			" asset.*=12h, assignment.pending_payment=4h,operation.waiting_signature=2d, asset.pre_approved=90m",
		);
		expect(allowanceOf("assignment", "pending_payment", overrides)).toBe(4 * HOUR);
		expect(allowanceOf("operation", "waiting_signature", overrides)).toBe(18 * HOUR);
		expect(allowanceOf("asset", "pending_eligibility", overrides)).toBe(12 * HOUR);
		expect(allowanceOf("asset", "pre_approved", overrides)).toBe(1.5 * HOUR);
		expect(allowanceOf("operation", "pending_signature_submission", overrides)).toBe(8 * HOUR);
		expect(allowanceOf("asset", "completed", overrides)).toBeNull();
	});

	it("reads an empty setting as no overrides", () => {
		expect(parse("")).toEqual({});
	});

	it("counts a day as one window of the configured business hours", () => {
		const overrides = allowanceOverridesSchemaFor({ dayStart: "08:00", dayEnd: "12:00" }).parse(
			"payment_batch.paid=2d",
		);
		expect(allowanceOf("payment_batch", "paid", overrides)).toBe(8 * HOUR);
	});

	it.each([
		["shipment.waiting=2h", "unknown kind shipment"],
		["asset.lost=2h", "lost is not a status of asset"],
		["operation.issued=2h", "issued is a final status of operation"],
		["issuer.*=2h", "issuer has no open status"],
		["asset.pre_approved=2x", "bad duration 2x"],
		["asset.pre_approved=0h", "more than 0"],
		["asset.pre_approved=400d", "at most 365d"],
		["asset.pre_approved", "expected kind.status=duration"],
		["asset.pre_approved=2h,asset.pre_approved=3h", "set twice"],
	])("refuses %s, naming it", (text, reason) => {
		const result = allowanceOverridesSchema.safeParse(`payment_batch.paid=1h,${text}`);
		expect(result.success).toBe(false);
		const messages = result.error?.issues.map((issue) => issue.message) ?? [];
		expect(messages).toHaveLength(1);
		expect(messages[0]).toContain(reason);
		expect(messages[0]).toContain(text.split(",").at(-1));
	});
});
