/** /console/deliveries (admin): deliveries by outcome and destination, each with its attempts; redeliver one, replay a destination's failed ones. */
import { z } from "zod";
import { decodeCursor, paginate } from "../../api/pagination";
import type { Env } from "../../env";
import {
	attemptsOfDeliveriesQuery,
	type DeliveryFilters,
	deliveryListQuery,
	deliveryPositionArity,
	deliveryPositionOf,
} from "../../storage/delivery-lookups";
import { DELIVERY_OUTCOMES } from "../../storage/delivery-schema";
import { type Destination, listDestinations } from "../../storage/destinations";
import { ActionForm, Badge, Pager, RedeliverForm, type View, When } from "../components";
import { Page } from "../layout";
import { AttemptTable } from "./entity-timeline";

const PAGE = 50;
const blank = (v: unknown) => (v === "" ? undefined : v);

export const deliverySearchSchema = z.object({
	outcome: z.preprocess(blank, z.enum(DELIVERY_OUTCOMES).optional()),
	destination: z.preprocess(blank, z.string().max(64).optional()),
	cursor: z.preprocess(blank, z.string().max(2048).optional()),
});
export type DeliverySearch = z.infer<typeof deliverySearchSchema>;

export async function deliveriesData(env: Env, search: DeliverySearch) {
	const filters: DeliveryFilters = { outcome: search.outcome, destination: search.destination };
	const order = `console.deliveries.${search.outcome ? "o" : ""}${search.destination ? "d" : ""}`;
	const after = search.cursor ? decodeCursor(search.cursor, order, deliveryPositionArity(filters)) : null;
	const [rows, destinations] = await Promise.all([
		deliveryListQuery(env.HISTORY, filters, after, PAGE + 1),
		listDestinations(env.HISTORY),
	]);
	const page = paginate(rows, PAGE, order, (d) => deliveryPositionOf(filters, d));
	const attempts = page.data.length ? await attemptsOfDeliveriesQuery(env.HISTORY, page.data) : [];
	attempts.sort((a, b) => a.attempt - b.attempt);
	return { page, attempts, destinations };
}

type DeliveriesData = Awaited<ReturnType<typeof deliveriesData>>;

export function DeliveriesPage({ view, search, data }: { view: View; search: DeliverySearch; data: DeliveriesData }) {
	const { t } = view;
	const chosen = data.destinations.find((d) => d.id === search.destination);
	return (
		<Page view={view} title={t.deliveries} section="deliveries">
			<h1>{t.deliveries}</h1>
			<form class="filters panel" method="get" action="/console/deliveries">
				<label>
					{t.outcome}
					<select name="outcome">
						<option value="">{t.any}</option>
						{DELIVERY_OUTCOMES.map((o) => (
							<option value={o} selected={o === search.outcome}>
								{o}
							</option>
						))}
					</select>
				</label>
				<label>
					{t.destination}
					<select name="destination">
						<option value="">{t.any}</option>
						{data.destinations.map((d) => (
							<option value={d.id} selected={d.id === search.destination}>
								{d.url}
							</option>
						))}
					</select>
				</label>
				<button type="submit">{t.search}</button>
			</form>
			{chosen ? (
				<p class="actions">
					<ActionForm
						view={view}
						action={`/console/destinations/${chosen.id}/replay-failed`}
						label={t.replayFailed}
						confirm={t.replayConfirm}
					>
						<input type="hidden" name="return_to" value={`/console/deliveries?destination=${chosen.id}`} />
					</ActionForm>
				</p>
			) : null}
			<section class="panel" aria-label={t.deliveries}>
				{data.page.data.length === 0 ? (
					<p class="muted">{t.noDeliveries}</p>
				) : (
					<DeliveryTable view={view} data={data} destinations={data.destinations} />
				)}
				<Pager view={view} next={data.page.next_cursor} />
			</section>
		</Page>
	);
}

function DeliveryTable({
	view,
	data,
	destinations,
}: {
	view: View;
	data: DeliveriesData;
	destinations: Destination[];
}) {
	const { t } = view;
	const here = `${view.url.pathname}${view.url.search}`;
	return (
		<div class="table-wrap">
			<table class="stack">
				<thead>
					<tr>
						<th scope="col">{t.eventId}</th>
						<th scope="col">{t.destination}</th>
						<th scope="col">{t.outcome}</th>
						<th scope="col" class="num">
							{t.attempts}
						</th>
						<th scope="col">{t.lastStatus}</th>
						<th scope="col">{t.updated}</th>
						<th scope="col">{t.actions}</th>
					</tr>
				</thead>
				<tbody>
					{data.page.data.map((d) => {
						const attempts = data.attempts.filter(
							(a) => a.event_id === d.event_id && a.destination_id === d.destination_id,
						);
						return (
							<tr data-delivery={`${d.event_id}:${d.destination_id}`}>
								<td data-label={t.eventId} class="mono small">
									<a href={`/console/events/${d.event_id}`}>{d.event_id.slice(0, 16)}…</a>
								</td>
								<td data-label={t.destination} class="mono small">
									<a href={`/console/destinations/${d.destination_id}`}>
										{destinations.find((x) => x.id === d.destination_id)?.url ?? d.destination_id}
									</a>
								</td>
								<td data-label={t.outcome}>
									<Badge of={d.outcome} />
								</td>
								<td data-label={t.attempts} class="num">
									<details>
										<summary>{d.attempts}</summary>
										<AttemptTable view={view} attempts={attempts} />
									</details>
								</td>
								<td data-label={t.lastStatus} class="small">
									{d.last_status_code ?? "—"}
									<span class="sp mono">{d.last_error ?? ""}</span>
								</td>
								<td data-label={t.updated}>
									<When at={d.updated_at} t={t} />
								</td>
								<td data-label={t.actions}>
									<RedeliverForm view={view} eventId={d.event_id} destinationId={d.destination_id} returnTo={here} />
								</td>
							</tr>
						);
					})}
				</tbody>
			</table>
		</div>
	);
}
