/** /console/receipts: every webhook request the receiver got, newest first: what was refused, why, from where. */
import { z } from "zod";
import { decodeCursor, paginate } from "../../api/pagination";
import { OUTCOMES } from "../../api/schemas";
import type { Env } from "../../env";
import { listReceipts, type ReceiptPosition } from "../../storage/receipt-lookups";
import { Badge, Choice, Pager, Table, type View, When } from "../components";
import { Page } from "../layout";

const ORDER = "console.receipts";
const PAGE = 100;
const blank = (v: unknown) => (v === "" ? undefined : v);

export const receiptSearchSchema = z.object({
	outcome: z.preprocess(blank, z.enum(OUTCOMES).optional()),
	cursor: z.preprocess(blank, z.string().max(2048).optional()),
});
export type ReceiptSearch = z.infer<typeof receiptSearchSchema>;

export async function receiptsData(env: Env, search: ReceiptSearch) {
	const after = search.cursor ? (decodeCursor(search.cursor, ORDER, 2) as ReceiptPosition) : null;
	const rows = await listReceipts(env.HISTORY, { outcome: search.outcome }, after, PAGE + 1, "desc");
	return paginate(rows, PAGE, ORDER, (r) => [r.received_at, r.id]);
}

export function ReceiptsPage(props: {
	view: View;
	search: ReceiptSearch;
	page: Awaited<ReturnType<typeof receiptsData>>;
}) {
	const { view, search, page } = props;
	const { t } = view;
	return (
		<Page view={view} title={t.receipts} section="receipts">
			<h1>{t.receipts}</h1>
			<p class="muted">{t.refused}</p>
			<form class="filters panel" method="get" action="/console/receipts">
				<Choice name="outcome" label={t.outcome} values={OUTCOMES} value={search.outcome} any={t.any} />
				<button type="submit">{t.search}</button>
			</form>
			<section class="panel" aria-label={t.receipts}>
				{page.data.length === 0 ? (
					<p class="muted">{t.noReceipts}</p>
				) : (
					<Table
						head={[t.received, t.outcome, t.reason, t.clientIp, t.scheme, t.entity, t.bodySize, t.count]}
						numeric={[6, 7]}
						stack
					>
						{page.data.map((r) => (
							<tr>
								<td data-label={t.received}>
									<When at={r.received_at} t={t} />
								</td>
								<td data-label={t.outcome}>
									<Badge of={r.outcome} />
								</td>
								<td data-label={t.reason} class="mono">
									{r.reason ?? "—"}
								</td>
								<td data-label={t.clientIp} class="mono">
									{r.client_ip ?? "—"}
								</td>
								<td data-label={t.scheme} class="mono">
									{r.signature_scheme ?? "—"}
								</td>
								<td data-label={t.entity} class="mono small">
									{r.entity ? <EntityOf name={r.entity} /> : "—"}
								</td>
								<td data-label={t.bodySize} class="num">
									{r.body_size}
								</td>
								<td data-label={t.count} class="num">
									{r.count}
								</td>
							</tr>
						))}
					</Table>
				)}
				<Pager view={view} next={page.next_cursor} />
			</section>
		</Page>
	);
}

function EntityOf({ name }: { name: string }) {
	const colon = name.indexOf(":");
	const kind = name.slice(0, colon);
	const key = name.slice(colon + 1);
	return <a href={`/console/entities/${encodeURIComponent(kind)}/${encodeURIComponent(key)}`}>{name}</a>;
}
