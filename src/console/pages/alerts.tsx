/** /console/alerts (admin): alerts newest first, by status and kind; acknowledge an open one. */
import { z } from "zod";
import { ALERT_KINDS, type Alert, consolePathOf } from "../../alerts/alert";
import { decodeCursor, paginate } from "../../api/pagination";
import type { Env } from "../../env";
import { ALERT_STATUSES } from "../../storage/alert-schema";
import { type AlertPosition, listAlerts } from "../../storage/alerts";
import { ActionForm, Badge, Choice, Pager, Table, type View, When } from "../components";
import { Page } from "../layout";

const ORDER = "console.alerts";
const PAGE = 50;
const blank = (v: unknown) => (v === "" ? undefined : v);

export const alertSearchSchema = z.object({
	status: z.preprocess(blank, z.enum(ALERT_STATUSES).optional()),
	kind: z.preprocess(blank, z.enum(ALERT_KINDS).optional()),
	cursor: z.preprocess(blank, z.string().max(2048).optional()),
});
export type AlertSearch = z.infer<typeof alertSearchSchema>;

export async function alertsData(env: Env, search: AlertSearch) {
	const after = search.cursor ? (decodeCursor(search.cursor, ORDER, 2) as AlertPosition) : null;
	const rows = await listAlerts(env.HISTORY, { status: search.status, kind: search.kind }, after, PAGE + 1, "desc");
	return paginate(rows, PAGE, ORDER, (a) => [a.first_seen, a.id]);
}

export function AlertsPage(props: {
	view: View;
	search: AlertSearch;
	page: { data: Alert[]; next_cursor: string | null };
}) {
	const { view, search, page } = props;
	const { t } = view;
	const here = `${view.url.pathname}${view.url.search}`;
	return (
		<Page view={view} title={t.alerts} section="alerts">
			<h1>{t.alerts}</h1>
			<form class="filters panel" method="get" action="/console/alerts">
				<Choice name="status" label={t.status} values={ALERT_STATUSES} value={search.status} any={t.any} />
				<Choice name="kind" label={t.alertKind} values={ALERT_KINDS} value={search.kind} any={t.any} />
				<button type="submit">{t.search}</button>
			</form>
			<section class="panel" aria-label={t.alerts}>
				{page.data.length === 0 ? (
					<p class="muted">{t.noAlerts}</p>
				) : (
					<Table
						head={[t.alertKind, t.subject, t.status, t.count, t.firstSeen, t.lastSeen, t.actions]}
						numeric={[3]}
						stack
					>
						{page.data.map((a) => {
							const path = consolePathOf(a);
							return (
								<tr>
									<td data-label={t.alertKind} class="mono">
										{a.kind}
									</td>
									<td data-label={t.subject} class="mono small">
										{path ? <a href={path}>{a.subject}</a> : a.subject}
									</td>
									<td data-label={t.status}>
										<Badge of={a.status} />
										{a.acknowledged_by ? <span class="sp">{a.acknowledged_by}</span> : null}
									</td>
									<td data-label={t.count} class="num">
										{a.count}
									</td>
									<td data-label={t.firstSeen}>
										<When at={a.first_seen} t={t} />
									</td>
									<td data-label={t.lastSeen}>
										<When at={a.last_seen} t={t} />
									</td>
									<td data-label={t.actions}>
										{a.status === "open" ? (
											<ActionForm
												view={view}
												action={`/console/alerts/${a.id}/acknowledge`}
												label={t.acknowledge}
												secondary
											>
												<input type="hidden" name="return_to" value={here} />
											</ActionForm>
										) : null}
									</td>
								</tr>
							);
						})}
					</Table>
				)}
				<Pager view={view} next={page.next_cursor} />
			</section>
		</Page>
	);
}
