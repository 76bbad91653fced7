import { beforeAll, describe, expect, it } from "vitest";
import { classify } from "../../src/catalog/event";
import examples from "../../src/catalog/examples.json";
import type { RecordedEvent } from "../../src/model";
import { notificationBody } from "../../src/notifications/attempt";
import { describeFilter, type Filter, filterSchema, matches } from "../../src/notifications/filter";

type Body = Record<string, unknown>;

/** The body a destination receives for a QI Tech example, built by the code that sends it. */
async function notificationOf(payload: string): Promise<Body> {
	const parsed = await classify(JSON.parse(payload), new TextEncoder().encode(payload));
	if (!parsed.ok) throw new Error(`not a QI Tech event: ${payload}`);
	const { event_id, type, kind, key, status, occurred_at } = parsed.event;
	const event: RecordedEvent = {
		...{ event_id, type, kind, key, status, occurred_at },
		previous_status: null,
		received_at: "2024-04-23T15:08:31.000Z",
		result: "accepted",
		anomaly: null,
		signature_scheme: "hs256",
		binding: "none",
		sequence: 1,
		repair: null,
	};
	return JSON.parse(notificationBody(event, payload));
}

const named = (page: string, title: string) => `${page}/${title}`;
const notifications = new Map<string, Body>();
const bodyOf = (page: string, title: string) => {
	const body = notifications.get(named(page, title));
	if (!body) throw new Error(`no example ${named(page, title)}`);
	return body;
};
/** A QI Tech example with its data changed: QI Tech keeps unknown fields, and values vary. */
function variant(page: string, title: string, data: Body): Promise<Body> {
	const payload = JSON.parse(examples.find((e) => e.page === page && e.title === title)?.body ?? "null");
	return notificationOf(JSON.stringify({ ...payload, data: { ...payload.data, ...data } }));
}
/** Which examples pass the filter, as page/title. */
const passing = (filter: Filter) => [...notifications].filter(([, body]) => matches(filter, body)).map(([n]) => n);
const accepted = (filter: unknown) => filterSchema.parse(filter);

let entry: Body;
let batch: Body;
let asset: Body;
let labelled: Body;

beforeAll(async () => {
	for (const e of examples) notifications.set(named(e.page, e.title), await notificationOf(e.body));
	entry = bodyOf("payment-instrument-entry", "Creation confirmation");
	batch = bodyOf("payment-batch", "Batch Paid");
	asset = bodyOf("asset", "Asset Created");
	labelled = await variant("payment-instrument-entry", "Creation confirmation", { labels: ["recurring", "pix"] });
});

const FUND_CLASS = "b7d3e2a1-4c5f-4e8b-9d1a-2f3c4e5a6b7c";
const ASSETS = examples.filter((e) => e.page === "asset").map((e) => named(e.page, e.title));
const ENTRIES = examples.filter((e) => e.page === "payment-instrument-entry").map((e) => named(e.page, e.title));
const amount = (condition: unknown) => ({ data: { data: { payment_instrument_entry_amount: condition } } });

describe("the documented use cases, on QI Tech's examples", () => {
	it("paid settlement batches only: the batch's status is under data.data (QI Tech's body, then its data)", () => {
		const paid = accepted({ type: "settlement.payment_batch_status_change", data: { data: { status: "paid" } } });
		expect(batch.data).toMatchObject({ data: { status: "paid" } });
		expect(passing(paid)).toEqual([named("payment-batch", "Batch Paid")]);
		expect(passing(accepted({ data: { status: "paid" } }))).toEqual([]);
	});

	it("the assets of one fund class: assets only (assignment batches carry the fund class too), not another class", async () => {
		const ofClass = accepted({ entity: { kind: "asset" }, data: { data: { fund_class_key: FUND_CLASS } } });
		expect(passing(ofClass)).toEqual(ASSETS);
		expect(passing(accepted({ data: { data: { fund_class_key: FUND_CLASS } } }))).toContain(
			named("assignment-batch", "Assignment Completed"),
		);
		const otherClass = await variant("asset", "Asset Created", { fund_class_key: crypto.randomUUID() });
		expect(matches(ofClass, otherClass)).toBe(false);
	});

	it("payment instrument entries above an amount (QI Tech sends 150.00)", () => {
		const type = "baas.invoice.payment_instrument_entry";
		expect(passing(accepted({ type, ...amount({ $gt: 100 }) }))).toEqual(ENTRIES);
		expect(passing(accepted({ type, ...amount({ $gt: 150 }) }))).toEqual([]);
		expect(passing(accepted({ type, ...amount({ $gte: 150 }) }))).toEqual(ENTRIES);
	});
});

describe("matching", () => {
	const ENTRY_KEY = "fd86d9b1-2a5e-4e03-9a59-a043c7632c97";
	const installments = (condition: unknown) => ({
		data: { data: { asset_payload: { credit_operation: { installments: condition } } } },
	});
	const occurred = (condition: unknown) => ({ occurred_at: condition });
	const sentAt = (condition: unknown) => ({ data: { webhook_datetime: condition } });

	// [what, filter, which body, expected]
	it.each<[string, unknown, () => Body, boolean]>([
		["the empty filter", {}, () => entry, true],
		["a literal", { status: "concluded" }, () => entry, true],
		["a literal, other value", { status: "canceled" }, () => entry, false],
		["nested fields", { data: { data: { payment_instrument_entry_type: "purchase" } } }, () => entry, true],
		["nested fields, one level short", { data: { payment_instrument_entry_type: "purchase" } }, () => entry, false],
		[
			"a dotted key is a name, not a path",
			{ "data.webhook_type": "baas.invoice.payment_instrument_entry" },
			() => entry,
			false,
		],
		["$eq", { entity: { kind: { $eq: "payment_instrument_entry" } } }, () => entry, true],
		["$eq, other value", { entity: { kind: { $eq: "asset" } } }, () => entry, false],
		[
			"$eq, a whole object",
			{ entity: { $eq: { kind: "payment_instrument_entry", key: ENTRY_KEY } } },
			() => entry,
			true,
		],
		["$eq, part of an object", { entity: { $eq: { kind: "payment_instrument_entry" } } }, () => entry, false],
		["$neq", { status: { $neq: "canceled" } }, () => entry, true],
		["$neq, same value", { status: { $neq: "concluded" } }, () => entry, false],
		["$neq, a missing field", { data: { data: { fund_class_key: { $neq: FUND_CLASS } } } }, () => entry, false],
		["$in", { status: { $in: ["canceled", "concluded"] } }, () => entry, true],
		["$in, not listed", { status: { $in: ["processing_conclusion"] } }, () => entry, false],
		["$in, null listed", { previous_status: { $in: [null, "processing_conclusion"] } }, () => entry, true],
		["$nin", { status: { $nin: ["canceled"] } }, () => entry, true],
		["$nin, listed", { status: { $nin: ["canceled", "concluded"] } }, () => entry, false],
		["$gt", amount({ $gt: 149.99 }), () => entry, true],
		["$gt, equal", amount({ $gt: 150 }), () => entry, false],
		["$gte, equal", amount({ $gte: 150 }), () => entry, true],
		["$gte, above", amount({ $gte: 150.01 }), () => entry, false],
		["$lt", amount({ $lt: 200 }), () => entry, true],
		["$lt, equal", amount({ $lt: 150 }), () => entry, false],
		["$lte, equal", amount({ $lte: 150 }), () => entry, true],
		["$lte, below", amount({ $lte: 149.99 }), () => entry, false],
		["$startsWith", { type: { $startsWith: "baas." } }, () => entry, true],
		["$startsWith, other prefix", { type: { $startsWith: "settlement." } }, () => entry, false],
		["$endsWith", { type: { $endsWith: ".payment_instrument_entry" } }, () => entry, true],
		["$endsWith, other suffix", { type: { $endsWith: ".asset_creation" } }, () => entry, false],
		["$exists: true, present", { data: { data: { payment_instrument_key: { $exists: true } } } }, () => entry, true],
		["$exists: false, present", { data: { data: { payment_instrument_key: { $exists: false } } } }, () => entry, false],
		["$exists: false, missing", { data: { data: { fund_class_key: { $exists: false } } } }, () => entry, true],
		["$exists: true, missing", { data: { data: { fund_class_key: { $exists: true } } } }, () => entry, false],
		["$exists: true, null (null is a value)", { previous_status: { $exists: true } }, () => entry, true],
		["$exist, Hookdeck's spelling", { data: { data: { fund_class_key: { $exist: false } } } }, () => entry, true],
		["null matches null", { previous_status: null, anomaly: null }, () => entry, true],
		["null does not match a missing field", { data: { data: { fund_class_key: null } } }, () => entry, false],
		["null does not match a value", { status: null }, () => entry, false],
		["operators on one field all apply", amount({ $gte: 100, $lte: 150 }), () => entry, true],
		["operators on one field, one fails", amount({ $gte: 100, $lt: 150 }), () => entry, false],
		[
			"$and at the top",
			{ $and: [{ status: "concluded" }, { entity: { kind: "payment_instrument_entry" } }] },
			() => entry,
			true,
		],
		[
			"$and at the top, one fails",
			{ $and: [{ status: "concluded" }, { entity: { kind: "asset" } }] },
			() => entry,
			false,
		],
		["$and at a field", amount({ $and: [{ $gt: 100 }, { $lt: 200 }] }), () => entry, true],
		["$and at a field, one fails", amount({ $and: [{ $gt: 100 }, { $lt: 150 }] }), () => entry, false],
		["$or at the top", { $or: [{ status: "canceled" }, { status: "concluded" }] }, () => entry, true],
		[
			"$or at the top, none",
			{ $or: [{ status: "canceled" }, { type: "settlement.payment_batch_status_change" }] },
			() => entry,
			false,
		],
		["$or at a field", { status: { $or: ["canceled", "concluded"] } }, () => entry, true],
		["$or at a field, none", { status: { $or: ["canceled", { $startsWith: "processing_" }] } }, () => entry, false],
		["$not at the top", { $not: { status: "canceled" } }, () => entry, true],
		["$not at the top, negating a match", { $not: { status: "concluded" } }, () => entry, false],
		["$not at a field", { status: { $not: { $startsWith: "processing_" } } }, () => entry, true],
		["$not at a field, negating a match", { status: { $not: { $in: ["concluded"] } } }, () => entry, false],
		[
			"$not beside fields",
			{ type: "baas.invoice.payment_instrument_entry", $not: { status: "canceled" } },
			() => entry,
			true,
		],
	])("%s", (_, filter, body, expected) => {
		expect(matches(accepted(filter), body())).toBe(expected);
	});

	it.each<[string, unknown, () => Body, boolean]>([
		["a number equals the number", amount(150), () => entry, true],
		["a number does not equal the numeric string", amount("150"), () => entry, false],
		["a numeric string does not order against a number", amount({ $gt: "100" }), () => entry, false],
		[
			"QI Tech's area code is a string: not the number",
			{ data: { data: borrower({ area_code: 11 }) } },
			() => asset,
			false,
		],
		[
			"QI Tech's area code is a string: the string",
			{ data: { data: borrower({ area_code: "11" }) } },
			() => asset,
			true,
		],
		["other strings order as text (dates)", installments({ maturity_date: { $gte: "2032-01-01" } }), () => asset, true],
		[
			"other strings order as text, none after",
			installments({ maturity_date: { $gte: "2033-01-01" } }),
			() => asset,
			false,
		],
	])("numbers and strings: %s", (_, filter, body, expected) => {
		expect(matches(accepted(filter), body())).toBe(expected);
	});

	it("a numeric string in the body does not order against a number, and equals its own text", async () => {
		const asText = await variant("payment-instrument-entry", "Creation confirmation", {
			payment_instrument_entry_amount: "150.00",
		});
		expect(matches(accepted(amount({ $gt: 100 })), asText)).toBe(false);
		expect(matches(accepted(amount("150.00")), asText)).toBe(true);
	});

	it.each<[string, unknown, boolean]>([
		["after the day began", occurred({ $gte: "2024-04-23T00:00:00Z" }), true],
		["not after the next day began", occurred({ $gte: "2024-04-24T00:00:00Z" }), false],
		["…30Z is …30.000Z: $gte", sentAt({ $gte: "2024-04-23T15:08:30.000Z" }), true],
		["…30Z is …30.000Z: $lte (as text, Z sorts after .)", sentAt({ $lte: "2024-04-23T15:08:30.000Z" }), true],
		["…30Z is …30.000Z: not $gt", sentAt({ $gt: "2024-04-23T15:08:30.000Z" }), false],
		[
			"an offset names the same instant (as text, 12 sorts before 15)",
			occurred({ $lt: "2024-04-23T12:08:31-03:00" }),
			true,
		],
		["an offset, one second earlier", occurred({ $lt: "2024-04-23T12:08:30-03:00" }), false],
		["a number does not order against a time", occurred({ $gt: 20240423 }), false],
	])("ISO times compare as instants: %s", (_, filter, expected) => {
		expect(batch.occurred_at).toBe("2024-04-23T15:08:30.000Z");
		expect(matches(accepted(filter), batch)).toBe(expected);
	});

	const labels = (condition: unknown) => ({ data: { data: { labels: condition } } });
	it.each<[string, unknown, () => Body, boolean]>([
		["an object is met by one item of an array of objects", installments({ installment_number: 8 }), () => asset, true],
		["an object met by no item", installments({ installment_number: 9 }), () => asset, false],
		["an operator inside an item's field", installments({ face_value: { $gt: 30 } }), () => asset, true],
		["an operator inside an item's field, no item", installments({ face_value: { $gt: 31 } }), () => asset, false],
		[
			"an array needs every condition met by some item",
			installments([{ installment_number: 1 }, { installment_number: 8 }]),
			() => asset,
			true,
		],
		[
			"an array with one condition no item meets",
			installments([{ installment_number: 1 }, { installment_number: 9 }]),
			() => asset,
			false,
		],
		["a literal is contained", labels("pix"), () => labelled, true],
		["a literal is not contained", labels("boleto"), () => labelled, false],
		["an array literal: all contained, any order", labels(["pix", "recurring"]), () => labelled, true],
		["an array literal: one missing", labels(["pix", "boleto"]), () => labelled, false],
		["an array literal against a string", { status: ["concluded"] }, () => labelled, false],
		["$in: an item listed", labels({ $in: ["boleto", "pix"] }), () => labelled, true],
		["$in: no item listed", labels({ $in: ["boleto"] }), () => labelled, false],
		["$nin: an item listed", labels({ $nin: ["pix"] }), () => labelled, false],
		["$nin: no item listed", labels({ $nin: ["boleto"] }), () => labelled, true],
		["$startsWith: an item", labels({ $startsWith: "rec" }), () => labelled, true],
		["$eq compares the whole array", labels({ $eq: ["recurring", "pix"] }), () => labelled, true],
		["$eq compares the whole array, not an item", labels({ $eq: "pix" }), () => labelled, false],
		["$eq compares the whole array, in order", labels({ $eq: ["pix", "recurring"] }), () => labelled, false],
		["$not over an array: no item meets", labels({ $not: "boleto" }), () => labelled, true],
	])("arrays: %s", (_, filter, body, expected) => {
		expect(matches(accepted(filter), body())).toBe(expected);
	});

	it("a field literally named with a dot is matched by that name", () => {
		expect(matches(accepted({ "fund.class": "A" }), { "fund.class": "A" })).toBe(true);
		expect(matches(accepted({ "fund.class": "A" }), { fund: { class: "A" } })).toBe(false);
	});

	it("fields come from the body itself, never from its prototype", () => {
		expect(matches(accepted({ constructor: { $exists: true } }), entry)).toBe(false);
		expect(matches(accepted({ toString: { $exists: false } }), entry)).toBe(true);
	});
});

function borrower(fields: Body): Body {
	return { asset_payload: { credit_operation: { borrower: { phone: fields } } } };
}

describe("refusing a filter when a destination is saved", () => {
	const problems = (filter: unknown) => {
		const result = filterSchema.safeParse(filter);
		return result.success ? [] : result.error.issues.map((i) => i.message);
	};
	const nested = (levels: number): unknown => (levels === 1 ? { f: "x" } : { f: nested(levels - 1) });

	it("names an unknown operator and where it is", () => {
		expect(problems({ data: { amount: { $regex: "^1" } } })).toEqual(["unknown operator $regex at data.amount"]);
		expect(problems({ $where: "1" })).toEqual(["unknown operator $where at the top level"]);
		expect(problems({ $or: [{ status: "paid" }, { status: { $like: "p%" } }] })).toEqual([
			"unknown operator $like at $or[1].status",
		]);
		const result = filterSchema.safeParse({ data: { amount: { $regex: "^1" } } });
		expect(result.error?.issues[0].path).toEqual(["data", "amount", "$regex"]);
	});

	it.each<[unknown, string]>([
		[{ status: { $in: "paid" } }, "$in needs an array of at most 100 strings, numbers, booleans or nulls at status"],
		[
			{ status: { $nin: [{ a: 1 }] } },
			"$nin needs an array of at most 100 strings, numbers, booleans or nulls at status",
		],
		[{ $and: { status: "paid" } }, "$and needs a non-empty array of conditions at the top level"],
		[{ $or: [] }, "$or needs a non-empty array of conditions at the top level"],
		[{ data: { amount: { $gt: true } } }, "$gt needs a number or a string at data.amount"],
		[{ data: { amount: { $lte: null } } }, "$lte needs a number or a string at data.amount"],
		[{ type: { $startsWith: 1 } }, "$startsWith needs a string at type"],
		[{ anomaly: { $exists: "yes" } }, "$exists needs true or false at anomaly"],
	])("wrong operand: %j", (filter, message) => {
		expect(problems(filter)).toEqual([message]);
	});

	it.each([["a string"], [null], [["status"]], [42]])("not an object: %j", (filter) => {
		expect(problems(filter)).toEqual(["a filter is a JSON object"]);
	});

	it("accepts 8 levels, refuses 9", () => {
		expect(problems(nested(8))).toEqual([]);
		expect(problems(nested(9))).toEqual(["nested deeper than 8 levels at f.f.f.f.f.f.f.f"]);
		expect(
			problems({ $not: { $not: { $not: { $not: { $not: { $not: { $not: { $not: { status: "x" } } } } } } } } }),
		).toEqual(["nested deeper than 8 levels at $not.$not.$not.$not.$not.$not.$not.$not"]);
	});

	it("accepts 64 conditions, refuses 65", () => {
		const conditions = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, i]));
		expect(problems(conditions(64))).toEqual([]);
		expect(problems(conditions(65))).toEqual(["more than 64 conditions at the top level"]);
		expect(problems({ status: { $or: Array.from({ length: 65 }, (_, i) => `s${i}`) } })).toEqual([
			"more than 64 conditions at the top level",
		]);
	});

	it("refuses a filter over 4 KB of JSON, a string over 256 characters, an $in list over 100", () => {
		const fields = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`f${i}`, "x".repeat(250)]));
		expect(problems(fields)).toEqual(["the filter is larger than 4096 bytes of JSON"]);
		expect(problems({ status: "x".repeat(256) })).toEqual([]);
		expect(problems({ status: "x".repeat(257) })).toEqual(["a string longer than 256 characters at status"]);
		expect(problems({ ["k".repeat(257)]: 1 })).toEqual(["a field name longer than 256 characters at the top level"]);
		expect(problems({ status: { $in: Array.from({ length: 100 }, (_, i) => i) } })).toEqual([]);
		expect(problems({ status: { $in: Array.from({ length: 101 }, (_, i) => i) } })).toEqual([
			"$in needs an array of at most 100 strings, numbers, booleans or nulls at status",
		]);
	});

	it("returns an accepted filter unchanged", () => {
		const filter = { type: "settlement.payment_batch_status_change", data: { data: { status: { $in: ["paid"] } } } };
		expect(filterSchema.parse(filter)).toEqual(filter);
	});
});

describe("describeFilter", () => {
	it.each<[unknown, string]>([
		[
			{ data: { data: { status: "paid", amount: { $gt: 1000 } } } },
			'data.data.status = "paid" and data.data.amount > 1000',
		],
		[
			{ $or: [{ status: "paid" }, { status: { $in: ["completed"] }, applied: true }] },
			'(status = "paid" or (status in ["completed"] and applied = true))',
		],
		[{ $not: { anomaly: null }, data: { x: { $exists: false } } }, "not (anomaly = null) and data.x is missing"],
		[{ type: { $startsWith: "baas." } }, 'type starts with "baas."'],
		[{}, "every notification"],
	])("%j", (filter, text) => {
		expect(describeFilter(accepted(filter))).toBe(text);
	});
});
