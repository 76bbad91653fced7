/**
 * The receiver's one logger: a JSON line per call, for Workers Logs. Never a secret, a header
 * value or a body: routes, outcomes, identifiers and timings only.
 */
export type Level = "debug" | "info" | "warn" | "error";

export function log(level: Level, fields: Record<string, unknown>): void {
	const line = JSON.stringify({ level, ...fields });
	if (level === "error") console.error(line);
	else if (level === "warn") console.warn(line);
	else console.log(line);
}
