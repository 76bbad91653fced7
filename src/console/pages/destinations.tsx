/**
 * /console/destinations (admin): each destination's health; one destination's page to edit it
 * (URL, types, kinds, stale events), enable or disable it, rotate its secret (shown once), send a
 * test event, replay what failed, remove it; and the form for a new one.
 */
import { type AnyKind, ENTITY_KINDS, UNCLASSIFIED } from "../../catalog/catalog";
import { describeFilter } from "../../notifications/filter";
import type { TestOutcome } from "../../notifications/test-event";
import { defaultTestType, TEST_EVENT_TYPES } from "../../notifications/test-event";
import type { Destination } from "../../storage/destinations";
import { ActionForm, Badge, CsrfField, type View, When } from "../components";
import { Page } from "../layout";
import { HealthBadge } from "./overview";

export function DestinationsPage({ view, destinations }: { view: View; destinations: Destination[] }) {
	const { t } = view;
	return (
		<Page view={view} title={t.destinations} section="destinations">
			<h1>{t.destinations}</h1>
			<p>
				<a class="button" href="/console/destinations/new">
					{t.newDestination}
				</a>
			</p>
			<section class="panel" aria-label={t.destinations}>
				{destinations.length === 0 ? (
					<p class="muted">{t.noDestinations}</p>
				) : (
					<div class="table-wrap">
						<table class="stack">
							<thead>
								<tr>
									<th scope="col">{t.url}</th>
									<th scope="col">{t.status}</th>
									<th scope="col">{t.eventTypes}</th>
									<th scope="col">{t.lastSuccess}</th>
									<th scope="col">{t.lastFailure}</th>
									<th scope="col">{t.failingSince}</th>
									<th scope="col" class="num">
										{t.consecutiveFailures}
									</th>
								</tr>
							</thead>
							<tbody>
								{destinations.map((d) => (
									<tr>
										<td data-label={t.url} class="mono small">
											<a href={`/console/destinations/${d.id}`}>{d.url}</a>
										</td>
										<td data-label={t.status}>
											<HealthBadge destination={d} view={view} />
											{d.disabled_reason ? <span class="sp">{d.disabled_reason}</span> : null}
										</td>
										<td data-label={t.eventTypes} class="mono small">
											{d.event_types.join(", ")}
										</td>
										<td data-label={t.lastSuccess}>
											<When at={d.health.last_success_at} t={t} />
										</td>
										<td data-label={t.lastFailure}>
											<When at={d.health.last_failure_at} t={t} />
											{d.health.last_failure ? <span class="sp mono">{d.health.last_failure}</span> : null}
										</td>
										<td data-label={t.failingSince}>
											<When at={d.health.failing_since} t={t} />
										</td>
										<td data-label={t.consecutiveFailures} class="num">
											{d.health.consecutive_failures}
										</td>
									</tr>
								))}
							</tbody>
						</table>
					</div>
				)}
			</section>
		</Page>
	);
}

export interface DestinationPageProps {
	view: View;
	destination: Destination;
	outcomes: { outcome: string; deliveries: number }[];
	/** Shown this once, after a rotation. */
	secret?: string;
	test?: TestOutcome;
}

export function DestinationPage(props: DestinationPageProps) {
	const { view, destination: d } = props;
	const { t } = view;
	const base = `/console/destinations/${d.id}`;
	return (
		<Page view={view} title={d.url} section="destinations">
			<p class="muted small">{t.destination}</p>
			<h1 class="mono url">{d.url}</h1>
			{props.secret ? (
				<div class="notice secret" role="status">
					{t.secretOnce}
					<code class="secret-value" id="secret">
						{props.secret}
					</code>
					<button type="button" class="secondary" data-copy="secret" data-copied={t.copied} hidden>
						{t.copy}
					</button>
				</div>
			) : null}
			{props.test ? <TestResult view={view} test={props.test} /> : null}
			<div class="grid">
				<section class="panel" aria-labelledby="h-health">
					<h2 id="h-health">{t.health}</h2>
					<dl class="facts">
						<dt>{t.status}</dt>
						<dd>
							<HealthBadge destination={d} view={view} />
						</dd>
						<dt>{t.disabledReason}</dt>
						<dd>{d.disabled_reason ?? "—"}</dd>
						<dt>{t.lastSuccess}</dt>
						<dd>
							<When at={d.health.last_success_at} t={t} />
						</dd>
						<dt>{t.lastFailure}</dt>
						<dd>
							<When at={d.health.last_failure_at} t={t} />
							<span class="sp mono">{d.health.last_failure ?? ""}</span>
						</dd>
						<dt>{t.failingSince}</dt>
						<dd>
							<When at={d.health.failing_since} t={t} />
						</dd>
						<dt>{t.consecutiveFailures}</dt>
						<dd>{d.health.consecutive_failures}</dd>
						<dt>{t.deliveries}</dt>
						<dd>
							{props.outcomes.length === 0
								? "—"
								: props.outcomes.map((o) => (
										<a href={`/console/deliveries?destination=${d.id}&outcome=${o.outcome}`}>
											<Badge of={o.outcome} text={`${o.outcome} ${o.deliveries}`} />{" "}
										</a>
									))}
						</dd>
						<dt>{t.filter}</dt>
						{d.filter === null ? (
							<dd class="muted">{t.filterNone}</dd>
						) : (
							<dd>
								<code>{describeFilter(d.filter)}</code>
							</dd>
						)}
						<dt>{t.ordering}</dt>
						<dd>{d.ordering === "entity" ? t.orderingEntity : t.orderingNone}</dd>
						<dt>{t.payloadShape}</dt>
						<dd>{d.payload === "thin" ? t.payloadThin : t.payloadFull}</dd>
						<dt>{t.maxPerSecond}</dt>
						<dd>{d.max_per_second ?? t.noLimit}</dd>
						<dt>{t.maxInFlight}</dt>
						<dd>{d.max_in_flight ?? t.noLimit}</dd>
					</dl>
				</section>
				<section class="panel" aria-labelledby="h-actions">
					<h2 id="h-actions">{t.actions}</h2>
					<div class="actions">
						{d.enabled ? (
							<ActionForm view={view} action={`${base}/disable`} label={t.disable} secondary />
						) : (
							<ActionForm view={view} action={`${base}/enable`} label={t.enable} />
						)}
						<ActionForm view={view} action={`${base}/replay-failed`} label={t.replayFailed} confirm={t.replayConfirm} />
						<ActionForm
							view={view}
							action={`${base}/rotate`}
							label={t.rotateSecret}
							confirm={t.rotateConfirm}
							secondary
						/>
					</div>
					<h3>{t.sendTest}</h3>
					<form class="filters" method="post" action={`${base}/test`}>
						<CsrfField view={view} />
						<label>
							{t.type}
							<select name="type">
								{TEST_EVENT_TYPES.map((type) => (
									<option value={type} selected={type === (props.test?.type ?? defaultTestType(d))}>
										{type}
									</option>
								))}
							</select>
						</label>
						<button type="submit" class="secondary">
							{t.sendTest}
						</button>
					</form>
					<h3>{t.remove}</h3>
					<ActionForm view={view} action={`${base}/delete`} label={t.remove} confirm={t.removeConfirm} danger />
				</section>
				<section class="panel wide" aria-labelledby="h-edit">
					<h2 id="h-edit">{t.edit}</h2>
					<DestinationForm view={view} action={base} destination={d} submit={t.save} />
				</section>
			</div>
		</Page>
	);
}

function TestResult({ view, test }: { view: View; test: TestOutcome }) {
	const { t } = view;
	return (
		<p class={test.outcome === "delivered" ? "notice" : "notice error"} role="status" data-test-outcome={test.outcome}>
			{t.testResult} <span class="mono">{test.type}</span>: <Badge of={test.outcome} />{" "}
			{test.status !== null ? `HTTP ${test.status}` : ""} {test.error ? `· ${test.error}` : ""} · {test.duration_ms} ms
		</p>
	);
}

export function NewDestinationPage({ view }: { view: View }) {
	const { t } = view;
	return (
		<Page view={view} title={t.newDestination} section="destinations">
			<h1>{t.newDestination}</h1>
			<section class="panel">
				<DestinationForm view={view} action="/console/destinations" submit={t.create} />
			</section>
		</Page>
	);
}

/** Types one per line; kinds as boxes (none ticked: every kind); the filter as JSON; order, body and pace. */
function DestinationForm(props: { view: View; action: string; destination?: Destination; submit: string }) {
	const { view, destination: d } = props;
	const { t } = view;
	const kinds: AnyKind[] = [...ENTITY_KINDS, UNCLASSIFIED];
	return (
		<form class="stack" method="post" action={props.action}>
			<CsrfField view={view} />
			<label>
				{t.url}
				<input name="url" type="url" required value={d?.url ?? ""} maxlength={2048} />
			</label>
			<label>
				{t.eventTypes}
				<textarea name="event_types" required aria-describedby="types-help">
					{(d?.event_types ?? ["*"]).join("\n")}
				</textarea>
				<span id="types-help" class="small">
					{t.eventTypesHelp}
				</span>
			</label>
			<fieldset>
				<legend>
					{t.kinds} ({t.kindsHelp})
				</legend>
				{kinds.map((kind) => (
					<label>
						<input type="checkbox" name="kinds" value={kind} checked={d?.kinds?.includes(kind) ?? false} />
						{kind}
					</label>
				))}
			</fieldset>
			<label class="check">
				<input type="checkbox" name="include_stale" value="true" checked={d?.include_stale ?? false} />
				{t.includeStale}
			</label>
			<label>
				{t.filter}
				<textarea name="filter" class="mono" aria-describedby="filter-help" maxlength={4096}>
					{d?.filter ? JSON.stringify(d.filter, null, 2) : ""}
				</textarea>
				<span id="filter-help" class="small">
					{t.filterHelp}
				</span>
			</label>
			<label>
				{t.ordering}
				<select name="ordering">
					<option value="none" selected={d?.ordering !== "entity"}>
						{t.orderingNone}
					</option>
					<option value="entity" selected={d?.ordering === "entity"}>
						{t.orderingEntity}
					</option>
				</select>
			</label>
			<label>
				{t.payloadShape}
				<select name="payload">
					<option value="full" selected={d?.payload !== "thin"}>
						{t.payloadFull}
					</option>
					<option value="thin" selected={d?.payload === "thin"}>
						{t.payloadThin}
					</option>
				</select>
			</label>
			<label>
				{t.maxPerSecond}
				<input name="max_per_second" type="number" min={1} max={1000} value={d?.max_per_second ?? ""} />
			</label>
			<label>
				{t.maxInFlight}
				<input name="max_in_flight" type="number" min={1} max={1000} value={d?.max_in_flight ?? ""} />
			</label>
			{d ? null : (
				<label class="check">
					<input type="checkbox" name="enabled" value="true" checked />
					{t.enabled}
				</label>
			)}
			<div>
				<button type="submit">{props.submit}</button>
			</div>
		</form>
	);
}
