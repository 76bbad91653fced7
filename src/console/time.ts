/** Times as the console shows them: UTC, and the same instant on São Paulo's clock. */
import { TIME_ZONE } from "../alerts/business-clock";

const saoPaulo = new Intl.DateTimeFormat("en-GB", {
	timeZone: TIME_ZONE,
	year: "numeric",
	month: "2-digit",
	day: "2-digit",
	hour: "2-digit",
	minute: "2-digit",
	second: "2-digit",
	hourCycle: "h23",
});

/** `2026-02-18 19:00:00` (UTC). */
export function utcText(iso: string): string {
	return iso.slice(0, 19).replace("T", " ");
}

/** `2026-02-18 16:00:00` on São Paulo's clock. */
export function saoPauloText(iso: string): string {
	const parts = Object.fromEntries(saoPaulo.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
	return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** São Paulo's time alone when it falls on the same day as UTC's, else its date too. */
export function saoPauloShort(iso: string): string {
	const local = saoPauloText(iso);
	return local.slice(0, 10) === iso.slice(0, 10) ? local.slice(11) : local;
}
