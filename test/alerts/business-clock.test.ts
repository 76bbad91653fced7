import { describe, expect, it } from "vitest";
import {
	addBusinessMs,
	businessDayMs,
	businessMsBetween,
	HORIZON_DAYS,
	holidaysOf,
	isBusinessDay,
} from "../../src/alerts/business-clock";

const HOUR = 3_600_000;
/** A São Paulo wall time; since 2019 São Paulo is always UTC−03:00. */
const sp = (local: string) => Date.parse(`${local}-03:00`);

describe("Brazilian business days", () => {
	it.each([
		["2026-02-16", false, "Carnival Monday 2026 (Easter Apr 5)"],
		["2026-02-17", false, "Carnival Tuesday 2026"],
		["2026-02-18", true, "Ash Wednesday is a business day"],
		["2027-02-08", false, "Carnival Monday 2027 (Easter Mar 28)"],
		["2027-02-09", false, "Carnival Tuesday 2027"],
		["2026-04-03", false, "Good Friday 2026"],
		["2026-06-04", false, "Corpus Christi 2026"],
		["2026-04-21", false, "Tiradentes"],
		["2026-12-25", false, "Christmas"],
		["2026-02-14", false, "a Saturday"],
		["2026-02-15", false, "a Sunday"],
		["2026-02-10", true, "a plain Tuesday"],
		["2023-11-20", true, "Consciência Negra, before it was national"],
		["2024-11-20", false, "Consciência Negra, national from 2024"],
	])("%s is a business day: %s (%s)", (date, expected) => {
		expect(isBusinessDay(date)).toBe(expected);
	});

	it("treats a configured extra date as a holiday", () => {
		expect(isBusinessDay("2026-03-10")).toBe(true);
		expect(isBusinessDay("2026-03-10", { extraHolidays: ["2026-01-25", "2026-03-10"] })).toBe(false);
	});

	it("names each holiday in Portuguese, in date order", () => {
		expect(holidaysOf(2026)).toEqual([
			{ date: "2026-01-01", name: "Confraternização Universal" },
			{ date: "2026-02-16", name: "Segunda-feira de Carnaval" },
			{ date: "2026-02-17", name: "Terça-feira de Carnaval" },
			{ date: "2026-04-03", name: "Sexta-feira da Paixão" },
			{ date: "2026-04-21", name: "Tiradentes" },
			{ date: "2026-05-01", name: "Dia do Trabalho" },
			{ date: "2026-06-04", name: "Corpus Christi" },
			{ date: "2026-09-07", name: "Independência do Brasil" },
			{ date: "2026-10-12", name: "Nossa Senhora Aparecida" },
			{ date: "2026-11-02", name: "Finados" },
			{ date: "2026-11-15", name: "Proclamação da República" },
			{ date: "2026-11-20", name: "Dia Nacional de Zumbi e da Consciência Negra" },
			{ date: "2026-12-25", name: "Natal" },
		]);
		expect(holidaysOf(2023).map((h) => h.date)).not.toContain("2023-11-20");
	});

	it.each([
		[2008, "2008-03-21"],
		[2019, "2019-04-19"],
		[2024, "2024-03-29"],
		[2025, "2025-04-18"],
		[2038, "2038-04-23"],
	])("puts Good Friday %i on %s (Easter by the Gregorian computus)", (year, date) => {
		expect(holidaysOf(year).find((h) => h.name === "Sexta-feira da Paixão")?.date).toBe(date);
	});

	it("refuses malformed dates and business hours", () => {
		expect(() => isBusinessDay("2026-02-30")).toThrow(RangeError);
		expect(() => isBusinessDay("2026-2-3")).toThrow(RangeError);
		expect(() => isBusinessDay("2026-03-10", { extraHolidays: ["10/03/2026"] })).toThrow(/10\/03\/2026/);
		expect(() => businessDayMs({ dayStart: "9h" })).toThrow(RangeError);
		expect(() => businessDayMs({ dayStart: "18:00", dayEnd: "09:00" })).toThrow(RangeError);
	});
});

describe("business time between two instants", () => {
	it.each([
		["Fri 17:00 → Wed 10:00 over Carnival: 1 h Friday, 1 h Wednesday", "2026-02-13T17:00", "2026-02-18T10:00", 2],
		["Fri 20:00 → Sat 20:00: nothing open", "2026-02-13T20:00", "2026-02-14T20:00", 0],
		["within one Tuesday", "2026-02-10T10:00", "2026-02-10T12:30", 2.5],
		["a Tuesday, from before opening to after closing", "2026-02-10T07:00", "2026-02-10T20:00", 9],
		["a whole week, Monday to Monday", "2026-03-02T00:00", "2026-03-09T00:00", 45],
		["Holy Thursday evening → Monday morning over Good Friday", "2026-04-02T16:00", "2026-04-06T11:00", 4],
		["backwards", "2026-02-10T12:00", "2026-02-10T10:00", 0],
	])("%s", (_, from, to, hours) => {
		expect(businessMsBetween(sp(from), sp(to))).toBe(hours * HOUR);
	});

	it("reads old dates in their own offset (DST, UTC−02:00, in November 2018)", () => {
		// 11:00Z was 09:00 in São Paulo that day: business hours had begun.
		expect(businessMsBetween(Date.parse("2018-11-05T11:00Z"), Date.parse("2018-11-05T12:00Z"))).toBe(HOUR);
		expect(businessMsBetween(Date.parse("2018-11-05T20:00Z"), Date.parse("2018-11-05T21:00Z"))).toBe(0);
	});

	it("follows configured business hours and extra holidays", () => {
		const calendar = { dayStart: "08:00", dayEnd: "12:00", extraHolidays: ["2026-02-11"] };
		expect(businessDayMs(calendar)).toBe(4 * HOUR);
		expect(businessMsBetween(sp("2026-02-10T00:00"), sp("2026-02-13T00:00"), calendar)).toBe(8 * HOUR);
	});

	it(`counts no further back than ${HORIZON_DAYS} local days`, () => {
		const to = sp("2026-02-10T12:00");
		const far = businessMsBetween(Date.parse("1970-01-01T00:00Z"), to);
		// Local midnight of the earliest day counted.
		expect(far).toBe(businessMsBetween(to - HORIZON_DAYS * 24 * HOUR - 12 * HOUR, to));
		expect(far).toBeGreaterThan(19 * 240 * 9 * HOUR);
	});
});

describe("the instant a business duration has passed", () => {
	it.each([
		["Fri 17:00 + 2 h skips the weekend and Carnival", "2026-02-13T17:00", 2, "2026-02-18T10:00"],
		["Fri 17:00 + 1 h is the close of Friday", "2026-02-13T17:00", 1, "2026-02-13T18:00"],
		["Saturday + 30 min is Wednesday after Carnival, 09:30", "2026-02-14T11:00", 0.5, "2026-02-18T09:30"],
		["Monday 09:00 + 27 h is three business days later", "2026-03-02T09:00", 27, "2026-03-04T18:00"],
		["Tuesday 07:00 + 0 h is at once", "2026-02-10T07:00", 0, "2026-02-10T07:00"],
	])("%s", (_, from, hours, expected) => {
		expect(addBusinessMs(sp(from), hours * HOUR)).toBe(sp(expected));
	});

	it("refuses a duration not reached within the horizon", () => {
		expect(() => addBusinessMs(sp("2026-02-10T07:00"), 30 * 366 * 9 * HOUR)).toThrow(RangeError);
	});

	it("is the exact inverse of businessMsBetween, at the earliest such instant", () => {
		const random = mulberry32(20260213);
		const span = Date.parse("2031-01-01T00:00Z") - Date.parse("2017-01-01T00:00Z");
		for (let i = 0; i < 300; i++) {
			const from = Date.parse("2017-01-01T00:00Z") + Math.floor(random() * span);
			const duration = Math.floor(random() * 60 * HOUR);
			const calendar = i % 3 === 0 ? { dayStart: "00:00", dayEnd: "24:00" } : {};
			const at = addBusinessMs(from, duration, calendar);
			expect(businessMsBetween(from, at, calendar)).toBe(duration);
			if (duration > 0) expect(businessMsBetween(from, at - 1, calendar)).toBe(duration - 1);
		}
	});
});

/** Small seeded generator, so the property runs on the same instants every time. */
function mulberry32(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
