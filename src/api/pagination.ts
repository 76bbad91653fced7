/**
 * Keyset pagination. A cursor is the sort key of the last row of a page, tagged with the
 * order it belongs to, in base64url: opaque to partners, checked when it comes back.
 */
import { z } from "@hono/zod-openapi";
import { base64url, fromBase64url } from "../digests";
import { invalidRequest } from "./validation";

export const pageQuery = {
	limit: z.coerce.number().int().min(1).max(500).default(50).openapi({ description: "Rows per page, 1 to 500." }),
	cursor: z.string().max(2048).optional().openapi({ description: "`next_cursor` of the previous page, as received." }),
};

export function pageOf<T extends z.ZodType>(item: T) {
	return z.object({
		data: z.array(item),
		next_cursor: z
			.string()
			.nullable()
			.openapi({ description: "Pass as `cursor` for the next page; null on the last page." }),
	});
}

export function encodeCursor(order: string, position: (string | number)[]): string {
	return base64url(new TextEncoder().encode(JSON.stringify([order, ...position])));
}

/** The position a cursor of `order` holds, with `arity` values; anything else is a 400. */
export function decodeCursor(cursor: string, order: string, arity: number): (string | number)[] {
	let value: unknown;
	try {
		value = JSON.parse(new TextDecoder().decode(fromBase64url(cursor)));
	} catch {
		value = null;
	}
	const valid =
		Array.isArray(value) &&
		value.length === arity + 1 &&
		value[0] === order &&
		value.slice(1).every((v) => typeof v === "string" || typeof v === "number");
	if (!valid)
		throw invalidRequest("cursor", "not a cursor of this list; pass next_cursor as received, with the same filters");
	return (value as (string | number)[]).slice(1);
}

/** Splits the `limit + 1` rows a query fetched into the page and the cursor of the next one. */
export function paginate<T>(rows: T[], limit: number, order: string, positionOf: (row: T) => (string | number)[]) {
	const data = rows.slice(0, limit);
	const last = data[data.length - 1];
	return { data, next_cursor: rows.length > limit && last ? encodeCursor(order, positionOf(last)) : null };
}
