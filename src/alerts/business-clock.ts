/**
 * The business-day clock: time counts only inside the business hours of Brazilian business days,
 * in São Paulo local time. Pure; instants are epoch milliseconds.
 */

export const TIME_ZONE = "America/Sao_Paulo";
export const DEFAULT_DAY_START = "09:00";
export const DEFAULT_DAY_END = "18:00";
/**
 * Ranges are walked one local day at a time, over at most this many days (20 years): business time
 * further back is not counted, and a duration not reached within it is refused.
 */
export const HORIZON_DAYS = 20 * 366;

export interface CalendarOptions {
	/** More non-business local dates, "YYYY-MM-DD" (state or city holidays, bank closures). */
	extraHolidays?: readonly string[];
	/** Local "HH:MM" when business hours begin, default 09:00. */
	dayStart?: string;
	/** Local "HH:MM" when business hours end, default 18:00 ("24:00" allowed). */
	dayEnd?: string;
}

export interface Holiday {
	date: string;
	name: string;
}

const MINUTE_MS = 60_000;
/** A day in epoch milliseconds (they count no leap seconds): a UTC date is a whole number of them. */
export const DAY_MS = 86_400_000;

/** The national holidays of ANBIMA's calendar in `year`, in date order. */
export function holidaysOf(year: number): Holiday[] {
	if (!Number.isInteger(year)) throw new RangeError(`not a year: ${year}`);
	const fixed = (month: number, day: number, name: string) => ({ date: dateOf(Date.UTC(year, month - 1, day)), name });
	const easter = easterSunday(year);
	const fromEaster = (days: number, name: string) => ({ date: dateOf(easter + days * DAY_MS), name });
	const holidays = [
		fixed(1, 1, "Confraternização Universal"),
		fromEaster(-48, "Segunda-feira de Carnaval"),
		fromEaster(-47, "Terça-feira de Carnaval"),
		fromEaster(-2, "Sexta-feira da Paixão"),
		fixed(4, 21, "Tiradentes"),
		fixed(5, 1, "Dia do Trabalho"),
		fromEaster(60, "Corpus Christi"),
		fixed(9, 7, "Independência do Brasil"),
		fixed(10, 12, "Nossa Senhora Aparecida"),
		fixed(11, 2, "Finados"),
		fixed(11, 15, "Proclamação da República"),
		// Law 14.759/2023 made it national from 2024 on.
		...(year >= 2024 ? [fixed(11, 20, "Dia Nacional de Zumbi e da Consciência Negra")] : []),
		fixed(12, 25, "Natal"),
	];
	return holidays.sort((a, b) => (a.date < b.date ? -1 : 1));
}

/** Anonymous Gregorian algorithm (Meeus/Jones/Butcher), as epoch ms of the date at 00:00 UTC. */
function easterSunday(year: number): number {
	const a = year % 19;
	const b = Math.floor(year / 100);
	const c = year % 100;
	const d = Math.floor(b / 4);
	const e = b % 4;
	const f = Math.floor((b + 8) / 25);
	const g = Math.floor((b - f + 1) / 3);
	const h = (19 * a + b - d - g + 15) % 30;
	const i = Math.floor(c / 4);
	const k = c % 4;
	const l = (32 + 2 * e + 2 * i - h - k) % 7;
	const m = Math.floor((a + 11 * h + 22 * l) / 451);
	const month = Math.floor((h + l - 7 * m + 114) / 31);
	const day = ((h + l - 7 * m + 114) % 31) + 1;
	return Date.UTC(year, month - 1, day);
}

export function isBusinessDay(localDate: string, calendar: CalendarOptions = {}): boolean {
	return compile(calendar).isOpen(Date.parse(assertDate(localDate)) / DAY_MS);
}

/** Length of one business day's window, in ms (9 h by default). */
export function businessDayMs(calendar: CalendarOptions = {}): number {
	const { startMin, endMin } = compile(calendar);
	return (endMin - startMin) * MINUTE_MS;
}

/** Business time elapsed from `fromMs` to `toMs`; 0 when `toMs` is not after `fromMs`. */
export function businessMsBetween(fromMs: number, toMs: number, calendar: CalendarOptions = {}): number {
	assertInstant(fromMs);
	assertInstant(toMs);
	if (toMs <= fromMs) return 0;
	const clock = compile(calendar);
	const lastDay = localDayOf(toMs);
	let total = 0;
	for (let day = Math.max(localDayOf(fromMs), lastDay - HORIZON_DAYS); day <= lastDay; day++) {
		if (!clock.isOpen(day)) continue;
		const [start, end] = clock.windowOn(day);
		total += Math.max(0, Math.min(end, toMs) - Math.max(start, fromMs));
	}
	return total;
}

/** The first instant by which `businessMs` of business time has passed since `fromMs`. */
export function addBusinessMs(fromMs: number, businessMs: number, calendar: CalendarOptions = {}): number {
	assertInstant(fromMs);
	if (!Number.isFinite(businessMs)) throw new RangeError(`not a duration: ${businessMs}`);
	if (businessMs <= 0) return fromMs;
	const clock = compile(calendar);
	const firstDay = localDayOf(fromMs);
	let remaining = businessMs;
	for (let day = firstDay; day <= firstDay + HORIZON_DAYS; day++) {
		if (!clock.isOpen(day)) continue;
		const [start, end] = clock.windowOn(day);
		const from = Math.max(start, fromMs);
		if (from >= end) continue;
		if (remaining <= end - from) return from + remaining;
		remaining -= end - from;
	}
	throw new RangeError(`${businessMs} business ms are not reached within ${HORIZON_DAYS} days`);
}

interface Clock {
	startMin: number;
	endMin: number;
	/** `day` is a local date as whole days since 1970-01-01. */
	isOpen(day: number): boolean;
	windowOn(day: number): [start: number, end: number];
}

const holidayDates = new Map<number, ReadonlySet<string>>();

function compile(calendar: CalendarOptions): Clock {
	const { dayStart = DEFAULT_DAY_START, dayEnd = DEFAULT_DAY_END } = calendar;
	const startMin = minutesOf(dayStart);
	const endMin = minutesOf(dayEnd);
	if (endMin <= startMin) throw new RangeError(`dayEnd ${dayEnd} is not after dayStart ${dayStart}`);
	const extra = new Set(calendar.extraHolidays?.map(assertDate));
	return {
		startMin,
		endMin,
		isOpen(day) {
			const weekday = new Date(day * DAY_MS).getUTCDay();
			const date = dateOf(day * DAY_MS);
			return weekday !== 0 && weekday !== 6 && !extra.has(date) && !nationalHolidays(date).has(date);
		},
		windowOn: (day) => [instantOf(day * DAY_MS + startMin * MINUTE_MS), instantOf(day * DAY_MS + endMin * MINUTE_MS)],
	};
}

function nationalHolidays(date: string): ReadonlySet<string> {
	const year = Number(date.slice(0, 4));
	let dates = holidayDates.get(year);
	if (!dates) {
		dates = new Set(holidaysOf(year).map((h) => h.date));
		holidayDates.set(year, dates);
	}
	return dates;
}

function minutesOf(time: string): number {
	const match = /^(\d{2}):([0-5]\d)$/.exec(time);
	const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : Number.NaN;
	if (!(minutes <= 24 * 60)) throw new RangeError(`not a local time "HH:MM": ${time}`);
	return minutes;
}

function assertDate(date: string): string {
	const ms = /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(date) : Number.NaN;
	if (Number.isNaN(ms) || dateOf(ms) !== date) {
		throw new RangeError(`not a date "YYYY-MM-DD": ${date}`);
	}
	return date;
}

function assertInstant(ms: number): void {
	if (!Number.isFinite(ms)) throw new RangeError(`not an instant: ${ms}`);
}

function dateOf(utcMs: number): string {
	return new Date(utcMs).toISOString().slice(0, 10);
}

// Local wall time is read through Intl (old dates had DST), never from a fixed offset.
const wallClock = new Intl.DateTimeFormat("en-US", {
	timeZone: TIME_ZONE,
	hourCycle: "h23",
	year: "numeric",
	month: "2-digit",
	day: "2-digit",
	hour: "2-digit",
	minute: "2-digit",
	second: "2-digit",
});

/** São Paulo's wall time at `ms`, written as if it were a UTC instant. */
export function wallOf(ms: number): number {
	const part = Object.fromEntries(wallClock.formatToParts(ms).map((p) => [p.type, Number(p.value)]));
	const wholeSecond = Date.UTC(part.year, part.month - 1, part.day, part.hour, part.minute, part.second);
	return wholeSecond + (ms - Math.floor(ms / 1000) * 1000);
}

function localDayOf(ms: number): number {
	return Math.floor(wallOf(ms) / DAY_MS);
}

// Sweeps ask for the same few days' windows over and over; the zone's rules never change at run time.
const instants = new Map<number, number>();

/** The instant São Paulo's clocks show `wall`; a wall time skipped by a DST jump moves forward by the jump. */
function instantOf(wall: number): number {
	let instant = instants.get(wall);
	if (instant === undefined) {
		if (instants.size >= 100_000) instants.clear();
		const first = wall - offsetAt(wall);
		const second = wall - offsetAt(first);
		instant = first === second || wallOf(second) === wall ? second : Math.max(first, second);
		instants.set(wall, instant);
	}
	return instant;
}

function offsetAt(ms: number): number {
	return wallOf(ms) - ms;
}
