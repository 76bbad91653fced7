import { describe, expect, it } from "vitest";
import { ENTITY_KINDS, FLOWS } from "../../src/catalog/catalog";
import { compareMoments, judge } from "../../src/catalog/ordering";

const at = (iso: string) => Date.parse(iso);
const T0 = at("2024-04-23T15:08:30Z");
const T1 = at("2024-04-23T15:08:31Z");

describe("ordering of one entity's events", () => {
	it("applies an event newer than the current state", () => {
		expect(
			judge("operation", { at: T0, status: "pending_signature_submission" }, { at: T1, status: "waiting_signature" }),
		).toEqual({
			applied: true,
			anomaly: null,
		});
	});

	it("keeps an older event as stale without moving the status", () => {
		expect(
			judge("operation", { at: T1, status: "waiting_signature" }, { at: T0, status: "pending_signature_submission" }),
		).toEqual({
			applied: false,
			anomaly: null,
		});
	});

	it("lets the later step of the flow win at the same instant", () => {
		expect(
			judge("asset", { at: T0, status: "pre_approved" }, { at: T0, status: "pending_documentation" }).applied,
		).toBe(false);
		expect(
			judge("asset", { at: T0, status: "pending_documentation" }, { at: T0, status: "pre_approved" }).applied,
		).toBe(true);
	});

	it("lets a final status beat an open one at the same instant, whatever their places in the flow", () => {
		// `canceled` is final; at the same second it wins over any open status, and the reverse loses.
		expect(
			judge("payment_instrument_entry", { at: T0, status: "canceled" }, { at: T0, status: "processing_cancellation" })
				.applied,
		).toBe(false);
		expect(judge("assignment", { at: T0, status: "discarded" }, { at: T0, status: "pending_payment" }).applied).toBe(
			false,
		);
		expect(judge("assignment", { at: T0, status: "denied" }, { at: T0, status: "discarded" }).applied).toBe(true);
	});

	it("applies a newer move outside the documented flows but flags it as an unexpected transition", () => {
		expect(judge("operation", { at: T0, status: "issued" }, { at: T1, status: "waiting_signature" })).toEqual({
			applied: true,
			anomaly: "unexpected_transition",
		});
	});

	it("does not flag a skip ahead along the flow (a step may arrive late)", () => {
		expect(
			judge("asset", { at: T0, status: "pending_eligibility" }, { at: T1, status: "completed" }).anomaly,
		).toBeNull();
	});

	it("accepts an unknown status of a known type and flags it", () => {
		expect(judge("asset", { at: T0, status: "pending_eligibility" }, { at: T1, status: "brand_new_status" })).toEqual({
			applied: true,
			anomaly: "unknown_status",
		});
	});

	it("orders every documented path forward: each step sorts after the one before at the same instant", () => {
		for (const kind of ENTITY_KINDS) {
			for (const path of FLOWS[kind].paths) {
				for (let i = 0; i + 1 < path.length; i++) {
					const a = { at: T0, status: path[i] };
					const b = { at: T0, status: path[i + 1] };
					expect(compareMoments(kind, a, b), `${kind}: ${path[i]} → ${path[i + 1]}`).toBeLessThan(0);
				}
			}
		}
	});

	it("orders statuses outside the flow deterministically, so delivery order cannot change the outcome", () => {
		const a = { at: T0, status: "mystery_a" };
		const b = { at: T0, status: "mystery_b" };
		expect(Math.sign(compareMoments("asset", a, b))).toBe(-Math.sign(compareMoments("asset", b, a)));
		expect(compareMoments("asset", a, b)).not.toBe(0);
	});
});
