/** Times as the console shows them: UTC, and the same instant on São Paulo's clock. */
import { wallOf } from "../alerts/business-clock";

/** `2026-02-18 19:00:00` (UTC). */
export function utcText(iso: string): string {
	return iso.slice(0, 19).replace("T", " ");
}

/** `2026-02-18 16:00:00` on São Paulo's clock. */
export function saoPauloText(iso: string): string {
	return utcText(new Date(wallOf(Date.parse(iso))).toISOString());
}

/** São Paulo's time alone when it falls on the same day as UTC's, else its date too. */
export function saoPauloShort(iso: string): string {
	const local = saoPauloText(iso);
	return local.slice(0, 10) === iso.slice(0, 10) ? local.slice(11) : local;
}
