/**
 * A destination's content filter, in Hookdeck's filter syntax so partners can bring theirs over, matched against
 * the notification body the destination would receive (QI Tech's payload as received under `data`).
 *
 * A condition is a literal, an array or an object. A literal equals the value, or one of its items when the value
 * is an array. An array needs each of its conditions met by some item of an array value. An object's `$` keys are
 * operators on the value, its other keys fields (a dotted key is a plain name, not a path); against an array value,
 * an object naming fields is met by any one item. Following Hookdeck, `null` matches a null value only, never a
 * missing field (absence is `$exists: false`; Hookdeck spells it `$exist`, both are accepted), and `$eq`/`$neq`
 * compare whole values, so an array equals only an array. A missing field meets only `$exists: false` and
 * negations: every comparison, `$neq` and `$nin` included, needs a value.
 */
import { z } from "zod";

export type Literal = string | number | boolean | null;
export type Condition = Literal | Condition[] | { [key: string]: Condition };

// depth: the filter is 1; a field's condition, a condition of $and, $or or $not, a container in a value is 1 deeper.
const LIMITS = { conditions: 64, depth: 8, string: 256, list: 100, bytes: 4096 };

type Match = (operand: Condition, value: unknown) => boolean;

const isLiteral = (x: unknown) => x === null || typeof x !== "object";
const OPERANDS = {
	value: { needs: "a JSON value", fits: () => true },
	list: {
		needs: `an array of at most ${LIMITS.list} strings, numbers, booleans or nulls`,
		fits: (o) => Array.isArray(o) && o.length <= LIMITS.list && o.every(isLiteral),
	},
	orderable: { needs: "a number or a string", fits: (o) => typeof o === "number" || typeof o === "string" },
	text: { needs: "a string", fits: (o) => typeof o === "string" },
	boolean: { needs: "true or false", fits: (o) => typeof o === "boolean" },
	conditions: { needs: "a non-empty array of conditions", fits: (o) => Array.isArray(o) && o.length > 0 },
	condition: { needs: "a condition", fits: () => true },
} satisfies Record<string, { needs: string; fits: (operand: Condition) => boolean }>;
type Operand = keyof typeof OPERANDS;

const exists: Match = (operand, value) => (value !== undefined) === operand;
const isIn = (list: Condition, item: unknown) => Array.isArray(list) && list.includes(item as Literal);
function ordered(meets: (order: number) => boolean): Match {
	return (o, v) => anyItem(v, (x) => meets(order(x, o)));
}
function text(meets: (value: string, operand: string) => boolean): Match {
	return (o, v) => anyItem(v, (x) => typeof x === "string" && meets(x, o as string));
}

/** `reads`: how `describeFilter` renders the operator. */
const OPERATORS: Record<string, { operand: Operand; match: Match; reads?: string }> = {
	$eq: { operand: "value", reads: "=", match: (o, v) => equal(v, o) },
	$neq: { operand: "value", reads: "!=", match: (o, v) => v !== undefined && !equal(v, o) },
	$in: { operand: "list", reads: "in", match: (o, v) => anyItem(v, (x) => isIn(o, x)) },
	$nin: { operand: "list", reads: "not in", match: (o, v) => v !== undefined && !anyItem(v, (x) => isIn(o, x)) },
	$gt: { operand: "orderable", reads: ">", match: ordered((c) => c > 0) },
	$gte: { operand: "orderable", reads: ">=", match: ordered((c) => c >= 0) },
	$lt: { operand: "orderable", reads: "<", match: ordered((c) => c < 0) },
	$lte: { operand: "orderable", reads: "<=", match: ordered((c) => c <= 0) },
	$startsWith: { operand: "text", reads: "starts with", match: text((x, o) => x.startsWith(o)) },
	$endsWith: { operand: "text", reads: "ends with", match: text((x, o) => x.endsWith(o)) },
	$exists: { operand: "boolean", match: exists },
	$exist: { operand: "boolean", match: exists },
	$and: { operand: "conditions", match: (o, v) => Array.isArray(o) && o.every((c) => test(c, v)) },
	$or: { operand: "conditions", match: (o, v) => Array.isArray(o) && o.some((c) => test(c, v)) },
	$not: { operand: "condition", match: (o, v) => !test(o, v) },
};

export const filterSchema = z
	.custom<{ [field: string]: Condition }>(isObject, "a filter is a JSON object")
	.superRefine((filter, ctx) => {
		if (new TextEncoder().encode(JSON.stringify(filter)).length > LIMITS.bytes) {
			ctx.addIssue({ code: "custom", message: `the filter is larger than ${LIMITS.bytes} bytes of JSON` });
			return;
		}
		const walk: Walk = { conditions: 0, issues: [] };
		check(filter, [], 1, walk);
		if (walk.conditions > LIMITS.conditions) fail(walk, [], `more than ${LIMITS.conditions} conditions`);
		for (const issue of walk.issues) ctx.addIssue({ code: "custom", ...issue });
	});

export type Filter = z.infer<typeof filterSchema>;

/** Whether a notification body passes the filter. Pure; expects a filter that `filterSchema` accepted. */
export function matches(filter: Filter, body: unknown): boolean {
	return test(filter, body);
}

function test(condition: Condition, value: unknown): boolean {
	if (Array.isArray(condition)) {
		return Array.isArray(value) && condition.every((c) => value.some((item) => test(c, item)));
	}
	if (!isObject(condition)) return anyItem(value, (item) => item === condition);
	const keys = Object.keys(condition);
	if (Array.isArray(value) && keys.some((key) => !key.startsWith("$"))) {
		return value.some((item) => test(condition, item));
	}
	return keys.every((key) =>
		key.startsWith("$")
			? (OPERATORS[key]?.match(condition[key], value) ?? false)
			: test(condition[key], isObject(value) && Object.hasOwn(value, key) ? value[key] : undefined),
	);
}

function anyItem(value: unknown, meets: (item: unknown) => boolean): boolean {
	return Array.isArray(value) ? value.some(meets) : meets(value);
}

// A date-time with its offset names an instant: "…30Z" and "…30.000Z" are the same one.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Negative, zero or positive; NaN (which meets no ordering operator) when the two do not compare. */
function order(a: unknown, b: unknown): number {
	if (typeof a === "number" && typeof b === "number") return a - b;
	if (typeof a !== "string" || typeof b !== "string") return Number.NaN;
	if (INSTANT.test(a) && INSTANT.test(b)) return Date.parse(a) - Date.parse(b);
	if (a === b) return 0;
	return a < b ? -1 : 1;
}

function equal(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]));
	if (!isObject(a) || !isObject(b) || Array.isArray(b)) return false;
	const keys = Object.keys(a);
	return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && equal(a[k], b[k]));
}

function isObject(value: unknown): value is { [key: string]: Condition } {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}

type Path = (string | number)[];
interface Walk {
	conditions: number;
	issues: { path: Path; message: string }[];
}

function fail(walk: Walk, path: Path, problem: string, key?: string): void {
	const where = path.reduce<string>((s, p) => (typeof p === "number" ? `${s}[${p}]` : s ? `${s}.${p}` : p), "");
	walk.issues.push({ path: key ? [...path, key] : path, message: `${problem} at ${where || "the top level"}` });
}

function check(condition: unknown, path: Path, depth: number, walk: Walk): void {
	if (depth > LIMITS.depth && !isLiteral(condition)) fail(walk, path, `nested deeper than ${LIMITS.depth} levels`);
	else if (Array.isArray(condition)) {
		for (const [i, c] of condition.entries()) check(c, [...path, i], depth + 1, walk);
	} else if (!isObject(condition)) {
		walk.conditions++;
		checkValue(condition, path, depth, walk);
	} else {
		for (const [key, operand] of fields(condition, path, walk)) {
			if (key.startsWith("$")) checkOperator(key, operand, path, depth, walk);
			else check(operand, [...path, key], depth + 1, walk);
		}
	}
}

function checkOperator(op: string, operand: Condition, path: Path, depth: number, walk: Walk): void {
	const kind = OPERATORS[op]?.operand;
	const at = [...path, op];
	if (kind === undefined) fail(walk, path, `unknown operator ${op}`, op);
	else if (!OPERANDS[kind].fits(operand)) fail(walk, path, `${op} needs ${OPERANDS[kind].needs}`, op);
	else if (kind === "condition") check(operand, at, depth + 1, walk);
	else if (kind === "conditions") {
		for (const [i, c] of (operand as Condition[]).entries()) check(c, [...at, i], depth + 1, walk);
	} else {
		walk.conditions++;
		checkValue(operand, at, depth, walk);
	}
}

/** A literal or an operand: JSON, with bounded strings and nesting. */
function checkValue(value: unknown, path: Path, depth: number, walk: Walk): void {
	if (depth > LIMITS.depth && !isLiteral(value)) fail(walk, path, `nested deeper than ${LIMITS.depth} levels`);
	else if (typeof value === "string" && value.length > LIMITS.string) {
		fail(walk, path, `a string longer than ${LIMITS.string} characters`);
	} else if (Array.isArray(value)) {
		for (const [i, v] of value.entries()) checkValue(v, [...path, i], depth + 1, walk);
	} else if (isObject(value)) {
		for (const [key, v] of fields(value, path, walk)) checkValue(v, [...path, key], depth + 1, walk);
	} else if (!(value === null || typeof value === "string" || typeof value === "boolean" || Number.isFinite(value))) {
		fail(walk, path, "a value that is not JSON");
	}
}

function fields(object: { [key: string]: Condition }, path: Path, walk: Walk): [string, Condition][] {
	const entries = Object.entries(object);
	if (entries.some(([key]) => key.length > LIMITS.string)) {
		fail(walk, path, `a field name longer than ${LIMITS.string} characters`);
	}
	return entries;
}

/** One line for people, e.g. `data.data.status = "paid" and data.data.amount > 1000`. */
export function describeFilter(filter: Filter): string {
	return describe(filter, "") || "every notification";
}

function describe(condition: Condition, path: string): string {
	const subject = path || "the body";
	if (Array.isArray(condition)) return `${subject} has all of ${JSON.stringify(condition)}`;
	if (!isObject(condition)) return `${subject} = ${JSON.stringify(condition)}`;
	const parts = Object.entries(condition).map(([key, operand]) => {
		if (!key.startsWith("$")) return describe(operand, path ? `${path}.${key}` : key);
		if (key === "$not") return `not (${describe(operand, path)})`;
		if (key === "$and" || key === "$or") {
			const items = (operand as Condition[]).map((c) => describe(c, path));
			return `(${items.map((t) => (key === "$or" && t.includes(" and ") ? `(${t})` : t)).join(` ${key.slice(1)} `)})`;
		}
		if (key === "$exists" || key === "$exist") return `${subject} ${operand ? "exists" : "is missing"}`;
		return `${subject} ${OPERATORS[key]?.reads ?? key} ${JSON.stringify(operand)}`;
	});
	return parts.join(" and ");
}
