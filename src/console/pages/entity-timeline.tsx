/** The entity page's timeline: each event, its payload when opened, its deliveries and their attempts. */
import type { RecordedEvent } from "../../model";
import type { Attempt, Delivery } from "../../storage/deliveries";
import { ActionForm, Badge, CsrfField, entityPath, isAdmin, RedeliverForm, type View, When } from "../components";
import { type EntityData, prettyPayload } from "./entity-data";

const COLUMNS = 8;

export function Timeline({ view, data }: { view: View; data: EntityData }) {
	const { t } = view;
	const here = entityPath(data.kind, data.key);
	const before = view.url.searchParams.get("before");
	return (
		<section class="panel" aria-labelledby="h-timeline">
			<h2 id="h-timeline">{t.timeline}</h2>
			<div class="table-wrap">
				<table class="stack">
					<thead>
						<tr>
							<th scope="col" class="num">
								{t.sequence}
							</th>
							<th scope="col">{t.status}</th>
							<th scope="col">{t.occurred}</th>
							<th scope="col">{t.received}</th>
							<th scope="col">{t.result}</th>
							<th scope="col">{t.anomaly}</th>
							<th scope="col">
								{t.scheme} / {t.binding}
							</th>
							<th scope="col">{t.payload}</th>
						</tr>
					</thead>
					{data.page.history.map((event) => (
						<EventRows view={view} data={data} event={event} />
					))}
				</table>
			</div>
			<nav class="pager" aria-label="pages">
				{before ? <a href={here}>{t.newer}</a> : null}
				{data.page.older ? (
					<a href={`${here}?before=${encodeURIComponent(data.page.older)}`} rel="next">
						{t.older}
					</a>
				) : null}
			</nav>
		</section>
	);
}

function EventRows({ view, data, event }: { view: View; data: EntityData; event: RecordedEvent }) {
	const { t } = view;
	const resent = data.resends.get(event.event_id) ?? 0;
	const open = data.payload?.eventId === event.event_id;
	const deliveries = data.deliveries.filter((d) => d.event_id === event.event_id);
	const payloadHref = `${entityPath(data.kind, data.key)}?${new URLSearchParams({
		...(view.url.searchParams.get("before") ? { before: view.url.searchParams.get("before") as string } : {}),
		event: event.event_id,
	})}#ev-${event.sequence}`;
	const details = open || deliveries.length > 0 || event.repair !== null || isAdmin(view);
	return (
		<tbody id={`ev-${event.sequence}`} data-event={event.event_id}>
			<tr class={[event.result === "stale" ? "stale" : "", open ? "open-row" : ""].filter(Boolean).join(" ")}>
				<td class="num" data-label={t.sequence}>
					{event.sequence}
				</td>
				<td data-label={t.status}>
					<span class="mono">{event.status}</span>
					<span class="sp mono">{event.type}</span>
				</td>
				<td data-label={t.occurred}>
					<When at={event.occurred_at} t={t} />
				</td>
				<td data-label={t.received}>
					<When at={event.received_at} t={t} />
				</td>
				<td data-label={t.result}>
					<Badge of={event.result} />
					{resent > 0 ? <span class="sp">{`+${resent} duplicate`}</span> : null}
				</td>
				<td data-label={t.anomaly}>
					{event.anomaly ? <Badge of="bad" text={event.anomaly} /> : <span class="muted">—</span>}
				</td>
				<td class="small mono" data-label={`${t.scheme} / ${t.binding}`}>
					{event.signature_scheme}
					<span class="sp">{event.binding}</span>
				</td>
				<td data-label={t.payload}>
					<a href={payloadHref}>{t.showPayload}</a>
				</td>
			</tr>
			{details ? (
				<tr>
					<td colspan={COLUMNS}>
						{event.repair ? (
							<p class="small">
								{t.repair}: <strong>{event.repair.action}</strong> · {event.repair.by}
								{event.repair.reason ? ` · ${event.repair.reason}` : ""} · <When at={event.repair.at} t={t} />
							</p>
						) : null}
						{open ? <Payload view={view} data={data} /> : null}
						{deliveries.length > 0 ? <Deliveries view={view} data={data} deliveries={deliveries} /> : null}
						{isAdmin(view) ? <EventActions view={view} data={data} event={event} /> : null}
					</td>
				</tr>
			) : null}
		</tbody>
	);
}

function Payload({ view, data }: { view: View; data: EntityData }) {
	const { t } = view;
	const payload = data.payload;
	if (!payload) return null;
	if (payload.refused) return <p class="notice error">{t.noPayloadScope}</p>;
	if (payload.body === null) return <p class="notice">{t.payloadNotYet}</p>;
	return (
		<section aria-label={t.payloadAsReceived}>
			<div class="actions">
				<h3>{t.payloadAsReceived}</h3>
				<button type="button" class="secondary" data-copy="payload-raw" data-copied={t.copied} hidden>
					{t.copy}
				</button>
			</div>
			<pre class="payload" id="payload-pretty" tabindex={0}>
				{prettyPayload(payload.body)}
			</pre>
			<pre id="payload-raw" hidden>
				{payload.body}
			</pre>
		</section>
	);
}

function Deliveries({ view, data, deliveries }: { view: View; data: EntityData; deliveries: Delivery[] }) {
	const { t } = view;
	const urlOf = (id: string) => data.destinations.find((d) => d.id === id)?.url ?? id;
	return (
		<details>
			<summary>
				{t.deliveriesOf}: {deliveries.map((d) => d.outcome).join(", ")}
			</summary>
			{deliveries.map((d) => (
				<div class="small">
					<h3>
						<a href={isAdmin(view) ? `/console/destinations/${d.destination_id}` : undefined} class="mono">
							{urlOf(d.destination_id)}
						</a>{" "}
						<Badge of={d.outcome} />
					</h3>
					<AttemptTable view={view} attempts={data.attempts.filter((a) => sameDelivery(a, d))} />
					{isAdmin(view) ? (
						<RedeliverForm
							view={view}
							eventId={d.event_id}
							destinationId={d.destination_id}
							returnTo={entityPath(data.kind, data.key)}
						/>
					) : null}
				</div>
			))}
		</details>
	);
}

const sameDelivery = (a: Attempt, d: Pick<Delivery, "event_id" | "destination_id">) =>
	a.event_id === d.event_id && a.destination_id === d.destination_id;

export function AttemptTable({ view, attempts }: { view: View; attempts: Attempt[] }) {
	const { t } = view;
	if (attempts.length === 0) return <p class="muted small">{t.none}</p>;
	return (
		<div class="table-wrap">
			<table>
				<thead>
					<tr>
						<th scope="col" class="num">
							{t.attempt}
						</th>
						<th scope="col">{t.at}</th>
						<th scope="col">{t.outcome}</th>
						<th scope="col" class="num">
							{t.lastStatus}
						</th>
						<th scope="col">{t.error}</th>
						<th scope="col" class="num">
							{t.duration}
						</th>
					</tr>
				</thead>
				<tbody>
					{attempts.map((a) => (
						<tr>
							<td class="num">{a.attempt}</td>
							<td>
								<When at={a.at} t={t} />
							</td>
							<td>
								<Badge of={a.outcome} />
							</td>
							<td class="num">{a.status ?? "—"}</td>
							<td class="mono">{a.error ?? "—"}</td>
							<td class="num">{a.duration_ms} ms</td>
						</tr>
					))}
				</tbody>
			</table>
		</div>
	);
}

function EventActions({ view, data, event }: { view: View; data: EntityData; event: RecordedEvent }) {
	const { t } = view;
	const base = `${entityPath(data.kind, data.key)}/events/${encodeURIComponent(event.event_id)}`;
	if (event.result === "quarantined") {
		return (
			<div class="actions">
				<ActionForm view={view} action={`${base}/release`} label={t.release} confirm={t.releaseConfirm} />
				<form class="inline" method="post" action={`${base}/discard`} data-confirm={t.discardConfirm}>
					<CsrfField view={view} />
					<label>
						{t.why} <input name="reason" required maxlength={500} />
					</label>{" "}
					<button type="submit" class="danger">
						{t.discard}
					</button>
				</form>
			</div>
		);
	}
	if (event.result === "discarded") return null;
	return (
		<div class="actions">
			<RedeliverForm
				view={view}
				eventId={event.event_id}
				returnTo={entityPath(data.kind, data.key)}
				label={t.redeliverEvent}
			/>
		</div>
	);
}
