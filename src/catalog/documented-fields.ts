/**
 * The fields QI Tech's documented examples show for each event type (src/catalog/examples.json),
 * as paths: `data.asset_payload.installments[].due_date`. A payload field outside them is
 * contract drift: QI Tech adds fields without notice, and operators want to know.
 */
import examples from "./examples.json";

const byType = new Map<string, Set<string>>();
for (const example of examples as { type: string; body: string }[]) {
	const fields = byType.get(example.type) ?? new Set<string>();
	for (const path of fieldPaths(JSON.parse(example.body))) fields.add(path);
	byType.set(example.type, fields);
}

/** Every field path of a JSON value (objects by key, arrays as `[]`), at most `limit` and `depth` deep. */
export function fieldPaths(value: unknown, limit = 500, depth = 12): string[] {
	const paths = new Set<string>();
	const walk = (v: unknown, path: string, level: number) => {
		if (paths.size >= limit || level > depth || v === null || typeof v !== "object") return;
		if (Array.isArray(v)) {
			for (const item of v) walk(item, `${path}[]`, level + 1);
			return;
		}
		for (const [key, child] of Object.entries(v)) {
			const next = path === "" ? key : `${path}.${key}`;
			paths.add(next);
			walk(child, next, level + 1);
		}
	};
	walk(value, "", 0);
	return [...paths];
}

/** The payload's fields that the type's documented examples do not show (none for an undocumented type). */
export function undocumentedFields(type: string, payload: unknown, limit = 10): string[] {
	const documented = byType.get(type);
	if (!documented) return [];
	return fieldPaths(payload)
		.filter((path) => !documented.has(path))
		.slice(0, limit);
}

export function isDocumentedField(type: string, path: string): boolean {
	return byType.get(type)?.has(path) ?? false;
}
