/**
 * How long an entity may stay in each open status of its flow before it is "stuck", counted in
 * business time (src/alerts/business-clock.ts), and the configuration string that overrides it.
 */
import { z } from "zod";
import { businessDayMs, type CalendarOptions } from "../alerts/business-clock";
import { ENTITY_KINDS, type EntityKind, FLOWS, isEntityKind } from "./catalog";

const HOUR_MS = 3_600_000;

/** Business hours per open status; test/catalog/allowances.test.ts holds it to FLOWS' open statuses. */
export const DEFAULT_ALLOWANCE_HOURS: Record<EntityKind, Readonly<Record<string, number>>> = {
	issuer: {},
	investor: {},
	operation: { pending_signature_submission: 8, waiting_signature: 27 },
	subscription: { waiting_signature: 27, waiting_payment: 18 },
	subscription_payment: { waiting_confirmation: 4 },
	asset: { pending_eligibility: 9, pending_documentation: 12, pre_approved: 9, pending_formalization: 18 },
	assignment: {
		pending_assets_insertion: 9,
		completed_assets_insertion: 4,
		pending_eligibility: 9,
		pending_consultant_approval: 9,
		pending_manager_approval: 9,
		// A denied batch waits for the originator to fix it or discard it.
		denied: 45,
		waiting_assets_to_formalize: 18,
		pending_assignment_term: 9,
		pending_assignment_term_signature: 18,
		pending_payment: 9,
		pending_assets_wallet_inclusion: 9,
	},
	payment_instrument_entry: { processing_conclusion: 2, processing_cancellation: 2 },
	// A batch is `paid` while its settlements are processed, then `completed`. Issue 14 names "a
	// settlement batch in pending_payment", but QI Tech's payment-batch page sends only paid,
	// completed and discarded: the page wins, and `paid` is the status a batch can stall in.
	payment_batch: { paid: 9 },
};

/** Business ms per kind and open status; the key "*" stands for every open status of the kind. */
export type AllowanceOverrides = Partial<Record<EntityKind, Readonly<Record<string, number>>>>;

export function openStatusesOf(kind: EntityKind): string[] {
	const { order, final } = FLOWS[kind];
	return order.filter((status) => !final.includes(status));
}

/** Business ms an entity may stay in `status`; null for final or unknown statuses and unknown kinds. */
export function allowanceOf(kind: string, status: string, overrides: AllowanceOverrides = {}): number | null {
	if (!isEntityKind(kind) || !Object.hasOwn(DEFAULT_ALLOWANCE_HOURS[kind], status)) return null;
	const configured = overrides[kind];
	return configured?.[status] ?? configured?.["*"] ?? DEFAULT_ALLOWANCE_HOURS[kind][status] * HOUR_MS;
}

/** Longest allowance an override may set, in business days. */
export const MAX_OVERRIDE_DAYS = 365;

/**
 * Parses e.g. "assignment.pending_payment=4h,operation.waiting_signature=2d,asset.*=12h"; a day (d)
 * is one business-hours window of `calendar`. An exact status beats its kind's "*".
 */
export function allowanceOverridesSchemaFor(calendar: CalendarOptions = {}) {
	const unitMs: UnitMs = { m: 60_000, h: HOUR_MS, d: businessDayMs(calendar) };
	return z.string().transform((text, ctx): AllowanceOverrides => {
		const overrides: Partial<Record<EntityKind, Record<string, number>>> = {};
		for (const entry of text.split(",").map((s) => s.trim())) {
			if (entry === "") continue;
			const parsed = parseEntry(entry, unitMs);
			if (typeof parsed === "string") {
				ctx.addIssue({ code: "custom", message: `"${entry}": ${parsed}`, input: entry });
				continue;
			}
			const statuses = overrides[parsed.kind] ?? {};
			overrides[parsed.kind] = statuses;
			if (Object.hasOwn(statuses, parsed.status)) {
				ctx.addIssue({ code: "custom", message: `"${entry}": set twice`, input: entry });
			}
			statuses[parsed.status] = parsed.ms;
		}
		return overrides;
	});
}

export const allowanceOverridesSchema = allowanceOverridesSchemaFor();

type Entry = { kind: EntityKind; status: string; ms: number };
type UnitMs = Record<"m" | "h" | "d", number>;

/** The entry, or why it is refused. */
function parseEntry(entry: string, unitMs: UnitMs): Entry | string {
	const [key, duration, ...rest] = entry.split("=").map((s) => s.trim());
	const [kind, status, ...more] = key.split(".");
	if (duration === undefined || rest.length > 0 || status === undefined || more.length > 0) {
		return "expected kind.status=duration, e.g. asset.pending_eligibility=4h";
	}
	if (!isEntityKind(kind)) return `unknown kind ${kind} (one of ${ENTITY_KINDS.join(", ")})`;
	const open = openStatusesOf(kind);
	if (status === "*" && open.length === 0) return `${kind} has no open status`;
	if (status !== "*" && !open.includes(status)) {
		const why = FLOWS[kind].final.includes(status) ? "is a final status" : "is not a status";
		return `${status} ${why} of ${kind} (open: ${open.join(", ") || "none"})`;
	}
	const ms = durationMs(duration, unitMs);
	return typeof ms === "number" ? { kind, status, ms } : ms;
}

function durationMs(duration: string, unitMs: UnitMs): number | string {
	const match = /^(\d+(?:\.\d+)?)([mhd])$/.exec(duration);
	if (!match) return `bad duration ${duration || "(empty)"}: a number and m, h or d (90m, 4h, 2d)`;
	const ms = Math.round(Number(match[1]) * unitMs[match[2] as keyof UnitMs]);
	if (ms <= 0) return "the duration must be more than 0";
	if (ms > MAX_OVERRIDE_DAYS * unitMs.d) return `the duration must be at most ${MAX_OVERRIDE_DAYS}d`;
	return ms;
}
