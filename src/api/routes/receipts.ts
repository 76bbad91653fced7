/** GET /v1/receipts: the ingress audit trail, e.g. to see why a misconfigured sender is refused. */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { listReceipts, type ReceiptPosition } from "../../storage/receipt-lookups";
import type { ReceiptRow } from "../../storage/receipts";
import type { ApiEnv } from "../context";
import { decodeCursor, pageOf, pageQuery, paginate } from "../pagination";
import { errorResponses, OUTCOMES, receiptSchema } from "../schemas";
import { requireEveryKind } from "../scopes";
import { isoTime } from "../validation";

const ORDER = "receipts";

const listQuery = z.object({
	outcome: z.enum(OUTCOMES).optional(),
	since: z.iso.datetime({ offset: true }).optional().openapi({ description: "Received at or after this time." }),
	until: z.iso.datetime({ offset: true }).optional().openapi({ description: "Received before this time." }),
	...pageQuery,
});

const listReceiptsRoute = createRoute({
	method: "get",
	path: "/v1/receipts",
	tags: ["Receipts"],
	summary: "Every webhook request the receiver got and what it did with it, oldest first",
	description: "A rejection's `reason` is its error code (e.g. `invalid_signature`). Ordered by (received_at, id).",
	security: [{ partnerKey: [] }],
	request: { query: listQuery },
	responses: {
		200: { description: "One page of receipts", content: { "application/json": { schema: pageOf(receiptSchema) } } },
		...errorResponses(400, 401, 403, 429),
	},
});

export function receiptRoutes(api: OpenAPIHono<ApiEnv>): void {
	api.openapi(listReceiptsRoute, async (c) => {
		requireEveryKind(c.get("identity"), "the audit trail");
		const { cursor, limit, since, until, outcome } = c.req.valid("query");
		const after = cursor ? (decodeCursor(cursor, ORDER, 2) as ReceiptPosition) : null;
		const filters = { outcome, since: since && isoTime(since, "since"), until: until && isoTime(until, "until") };
		const rows = await listReceipts(c.env.HISTORY, filters, after, limit + 1);
		return c.json(
			paginate(rows.map(receiptView), limit, ORDER, (r) => [r.received_at, r.id]),
			200,
		);
	});
}

function receiptView(row: ReceiptRow) {
	const list = (json: string | null) => (json === null ? null : (JSON.parse(json) as string[]));
	return { ...row, client_ips: list(row.client_ips), body_digests: list(row.body_digests) };
}
