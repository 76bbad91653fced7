/** /console/events: the recorded events, newest first, searched by type, kind, status, result, anomaly, time and key. */
import { z } from "zod";
import type { Identity } from "../../api/auth";
import { decodeCursor, paginate } from "../../api/pagination";
import { kindOfType, listKind } from "../../api/scopes";
import { invalidRequest, isoTime } from "../../api/validation";
import { type AnyKind, ENTITY_KINDS, EVENT_TYPES, UNCLASSIFIED } from "../../catalog/catalog";
import type { Env } from "../../env";
import { EVENT_ANOMALIES, RECORDED_RESULTS } from "../../model";
import { type EventPosition, listEvents } from "../../storage/event-lookups";
import { fromEventRow } from "../../storage/event-rows";
import { historyOf } from "../../storage/partitions";
import { Badge, Choice, EntityLink, Pager, Table, type View, When } from "../components";
import { Page } from "../layout";

const ORDER = "console.events";
const PAGE = 50;
const blank = (v: unknown) => (v === "" ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blank, schema.optional());

export const eventSearchSchema = z.object({
	type: optional(z.string().max(200)),
	kind: optional(z.enum([...ENTITY_KINDS, UNCLASSIFIED])),
	key: optional(z.string().max(512)),
	status: optional(z.string().max(200)),
	result: optional(z.enum(RECORDED_RESULTS)),
	anomaly: optional(z.enum(EVENT_ANOMALIES)),
	since: optional(z.string().max(40)),
	until: optional(z.string().max(40)),
	cursor: optional(z.string().max(2048)),
});
export type EventSearch = z.infer<typeof eventSearchSchema>;

/** A time typed in a `datetime-local` field (UTC) or in full ISO 8601. */
function typedTime(value: string | undefined, field: string): string | undefined {
	if (value === undefined) return undefined;
	return isoTime(/[zZ]|[+-]\d\d:\d\d$/.test(value) ? value : `${value}Z`, field);
}

export async function eventsData(env: Env, identity: Identity, search: EventSearch) {
	if ((search.key !== undefined && !search.kind) || (search.status !== undefined && !search.kind && !search.type)) {
		throw invalidRequest("kind", "needsKind");
	}
	const implied = identity.kinds !== null && search.type !== undefined ? kindOfType(search.type) : undefined;
	const kind = listKind(identity, (search.kind ?? implied) as AnyKind | undefined);
	const after = search.cursor ? (decodeCursor(search.cursor, ORDER, 2) as EventPosition) : null;
	const filters = {
		type: search.type,
		kind,
		key: search.key,
		status: search.status,
		result: search.result,
		anomaly: search.anomaly,
		since: typedTime(search.since, "since"),
		until: typedTime(search.until, "until"),
	};
	const rows = await listEvents(historyOf(env), filters, after, PAGE + 1, "desc");
	return paginate(rows.map(fromEventRow), PAGE, ORDER, (e) => [e.received_at, e.event_id]);
}

type EventsPageData = Awaited<ReturnType<typeof eventsData>>;

export function EventsPage({ view, search, page }: { view: View; search: EventSearch; page: EventsPageData }) {
	const { t } = view;
	const kinds = view.viewer?.identity.kinds ?? [...ENTITY_KINDS, UNCLASSIFIED];
	// A key limited to some kinds is offered only their types (any other would be refused).
	const types = Object.keys(EVENT_TYPES).filter((type) => kinds.includes(kindOfType(type)));
	return (
		<Page view={view} title={t.events} section="events">
			<h1>{t.events}</h1>
			<form class="filters panel" method="get" action="/console/events">
				<Choice name="type" label={t.type} values={types} value={search.type} any={t.any} />
				<Choice name="kind" label={t.kind} values={kinds} value={search.kind} any={t.any} />
				<label>
					{t.key}
					<input name="key" value={search.key ?? ""} maxlength={512} autocomplete="off" />
				</label>
				<label>
					{t.status}
					<input name="status" value={search.status ?? ""} maxlength={200} />
				</label>
				<Choice name="result" label={t.result} values={RECORDED_RESULTS} value={search.result} any={t.any} />
				<Choice name="anomaly" label={t.anomaly} values={EVENT_ANOMALIES} value={search.anomaly} any={t.any} />
				<label>
					{t.since}
					<input type="datetime-local" step="1" name="since" value={search.since ?? ""} />
				</label>
				<label>
					{t.until}
					<input type="datetime-local" step="1" name="until" value={search.until ?? ""} />
				</label>
				<button type="submit">{t.search}</button>
			</form>
			<section class="panel" aria-label={t.events}>
				{page.data.length === 0 ? (
					<p class="muted">{t.noEvents}</p>
				) : (
					<Table head={[t.received, t.entity, t.status, t.result, t.anomaly, t.occurred, t.type]} stack>
						{page.data.map((e) => (
							<tr class={e.result === "stale" ? "stale" : undefined}>
								<td data-label={t.received}>
									<When at={e.received_at} t={t} />
								</td>
								<td data-label={t.entity}>
									<EntityLink kind={e.kind} name={e.key} />
								</td>
								<td class="mono" data-label={t.status}>
									{e.status}
								</td>
								<td data-label={t.result}>
									<Badge of={e.result} />
								</td>
								<td data-label={t.anomaly}>
									{e.anomaly ? <Badge of="bad" text={e.anomaly} /> : <span class="muted">—</span>}
								</td>
								<td data-label={t.occurred}>
									<When at={e.occurred_at} t={t} />
								</td>
								<td class="mono small" data-label={t.type}>
									{e.type}
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
