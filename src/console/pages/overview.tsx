/**
 * /console: the last 24 hours of webhooks per hour by outcome, entities per kind by open and
 * final status, deliveries not delivered, each destination's health, refusals by reason, open
 * alerts. The counts read index ranges row by row, so an isolate keeps them COUNTS_KEPT_MS (15 s).
 */
import { consolePathOf } from "../../alerts/alert";
import { DAY_MS } from "../../alerts/business-clock";
import type { Identity } from "../../api/auth";
import { type AnyKind, ENTITY_KINDS, FLOWS, isEntityKind, UNCLASSIFIED } from "../../catalog/catalog";
import type { Env } from "../../env";
import { listAlerts } from "../../storage/alerts";
import { type Destination, listDestinations } from "../../storage/destinations";
import {
	entitiesByStatusQuery,
	receiptsByHourQuery,
	rejectionsByReasonQuery,
	undeliveredQuery,
} from "../../storage/overview-lookups";
import { hoursOf, WebhookChart } from "../chart";
import { Badge, isAdmin, Panel, Table, type View, When } from "../components";
import { Page } from "../layout";

const COUNTS_KEPT_MS = 15_000;

interface Counts {
	at: string;
	hours: { hour: string; outcome: string; requests: number }[];
	rejections: { reason: string | null; requests: number; last_at: string }[];
	entities: { kind: string; status: string; entities: number }[];
	undelivered: { outcome: string; deliveries: number }[];
}

const kept = new WeakMap<object, Map<string, { until: number; counts: Counts }>>();

/** The kinds a viewer reads; the audit trail and the delivery counts only for admins and every-kind readers. */
async function countsFor(env: Env, identity: Identity, now: Date): Promise<Counts> {
	const kinds: readonly AnyKind[] = identity.kinds ?? [...ENTITY_KINDS, UNCLASSIFIED];
	const everyKind = identity.kinds === null;
	const cacheKey = `${identity.role}:${kinds.join(",")}`;
	const cache = kept.get(env) ?? new Map();
	kept.set(env, cache);
	const hit = cache.get(cacheKey);
	if (hit && hit.until > now.getTime()) return hit.counts;
	const since = new Date(now.getTime() - 23 * 3_600_000).toISOString().slice(0, 13);
	const dayAgo = new Date(now.getTime() - DAY_MS).toISOString();
	const [hours, rejections, entities, undelivered] = await Promise.all([
		everyKind ? receiptsByHourQuery(env.HISTORY, since) : [],
		everyKind ? rejectionsByReasonQuery(env.HISTORY, dayAgo) : [],
		entitiesByStatusQuery(env.HISTORY, kinds),
		identity.role === "admin" ? undeliveredQuery(env.HISTORY) : [],
	]);
	const counts = { at: now.toISOString(), hours, rejections, entities, undelivered };
	cache.set(cacheKey, { until: now.getTime() + COUNTS_KEPT_MS, counts });
	return counts;
}

export interface OverviewData {
	counts: Counts;
	destinations: Destination[];
	alerts: Awaited<ReturnType<typeof listAlerts>>;
	now: Date;
}

export async function overviewData(env: Env, identity: Identity, now = new Date()): Promise<OverviewData> {
	const admin = identity.role === "admin";
	const [counts, destinations, alerts] = await Promise.all([
		countsFor(env, identity, now),
		admin ? listDestinations(env.HISTORY) : [],
		admin ? listAlerts(env.HISTORY, { status: "open" }, null, 20, "desc") : [],
	]);
	return { counts, destinations, alerts, now };
}

export function OverviewPage({ view, data }: { view: View; data: OverviewData }) {
	const { t } = view;
	const identity = view.viewer?.identity;
	const everyKind = identity?.kinds === null;
	return (
		<Page view={view} title={t.overview} section="overview">
			<h1>{t.overview}</h1>
			<div class="grid">
				{everyKind ? (
					<section class="panel wide" aria-labelledby="h-chart">
						<h2 id="h-chart">{t.last24h}</h2>
						<WebhookChart bars={hoursOf(data.counts.hours, data.now)} t={t} />
						<p class="small muted">
							{t.countedAt} <When at={data.counts.at} t={t} />
						</p>
					</section>
				) : null}
				<FindEntity view={view} />
				<EntityCounts view={view} counts={data.counts} />
				{isAdmin(view) ? <Backlog view={view} counts={data.counts} /> : null}
				{isAdmin(view) ? <DestinationHealth view={view} destinations={data.destinations} /> : null}
				{everyKind ? <Rejections view={view} counts={data.counts} /> : null}
				{isAdmin(view) ? <OpenAlerts view={view} alerts={data.alerts} /> : null}
			</div>
		</Page>
	);
}

function FindEntity({ view }: { view: View }) {
	const { t } = view;
	const kinds = view.viewer?.identity.kinds ?? [...ENTITY_KINDS, UNCLASSIFIED];
	return (
		<Panel id="find" title={t.findEntity}>
			<form class="filters" method="get" action="/console/entities">
				<label>
					{t.kind}
					<select name="kind" required>
						{kinds.map((k) => (
							<option value={k}>{k}</option>
						))}
					</select>
				</label>
				<label>
					{t.key}
					<input name="key" required maxlength={512} autocomplete="off" />
				</label>
				<button type="submit">{t.go}</button>
			</form>
		</Panel>
	);
}

function EntityCounts({ view, counts }: { view: View; counts: Counts }) {
	const { t } = view;
	const kinds = [...new Set(counts.entities.map((e) => e.kind))].sort();
	const finalOf = (kind: string, status: string) => isEntityKind(kind) && FLOWS[kind].final.includes(status);
	return (
		<Panel id="entities" title={t.entitiesByKind} empty={kinds.length === 0 && t.none}>
			<Table head={[t.kind, t.open, t.final, t.statuses]} numeric={[1, 2]}>
				{kinds.map((kind) => {
					const rows = counts.entities.filter((e) => e.kind === kind);
					const sum = (final: boolean) =>
						rows.filter((r) => finalOf(kind, r.status) === final).reduce((n, r) => n + r.entities, 0);
					return (
						<tr>
							<th scope="row">
								<a href={`/console/events?kind=${kind}`}>{kind}</a>
							</th>
							<td class="num">{sum(false)}</td>
							<td class="num">{sum(true)}</td>
							<td class="small">
								{rows.map((r) => (
									<span class="mono">
										{r.status} {r.entities}{" "}
									</span>
								))}
							</td>
						</tr>
					);
				})}
			</Table>
		</Panel>
	);
}

function Backlog({ view, counts }: { view: View; counts: Counts }) {
	const { t } = view;
	const of = (outcome: string) => counts.undelivered.find((u) => u.outcome === outcome)?.deliveries ?? 0;
	return (
		<Panel id="backlog" title={t.deliveryBacklog}>
			<div class="counts">
				{(["pending", "failed", "dead", "paused"] as const).map((outcome) => (
					<a
						class={`count${of(outcome) > 0 && outcome !== "pending" ? " bad" : ""}`}
						href={`/console/deliveries?outcome=${outcome}`}
					>
						<strong>{of(outcome)}</strong>
						{outcome}
					</a>
				))}
			</div>
		</Panel>
	);
}

function DestinationHealth({ view, destinations }: { view: View; destinations: Destination[] }) {
	const { t } = view;
	return (
		<Panel id="destinations" title={t.destinationHealth} empty={destinations.length === 0 && t.noDestinations}>
			<Table head={[t.destination, t.status]}>
				{destinations.map((d) => (
					<tr>
						<td>
							<a href={`/console/destinations/${d.id}`} class="mono small">
								{d.url}
							</a>
						</td>
						<td>
							<HealthBadge destination={d} view={view} />
							<div class="small" title={t.lastSuccess}>
								<When at={d.health.last_success_at} t={t} />
							</div>
						</td>
					</tr>
				))}
			</Table>
		</Panel>
	);
}

export function HealthBadge({ destination, view }: { destination: Destination; view: View }) {
	const { t } = view;
	if (!destination.enabled) return <Badge of="paused" text={t.disabled} />;
	if (destination.health.failing_since) return <Badge of="failed" text={t.failing} />;
	return <Badge of="ok" text={t.healthy} />;
}

function Rejections({ view, counts }: { view: View; counts: Counts }) {
	const { t } = view;
	const rows = [...counts.rejections].sort((a, b) => b.requests - a.requests);
	return (
		<Panel id="rejections" title={t.recentRejections} empty={rows.length === 0 && t.none}>
			<Table head={[t.reason, t.requests, t.lastSeen]} numeric={[1]}>
				{rows.map((r) => (
					<tr>
						<td>
							<a href="/console/receipts?outcome=rejected">
								<code>{r.reason ?? "—"}</code>
							</a>
						</td>
						<td class="num">{r.requests}</td>
						<td>
							<When at={r.last_at} t={t} />
						</td>
					</tr>
				))}
			</Table>
		</Panel>
	);
}

function OpenAlerts({ view, alerts }: { view: View; alerts: OverviewData["alerts"] }) {
	const { t } = view;
	return (
		<Panel id="alerts" title={t.openAlerts} empty={alerts.length === 0 && t.none}>
			<ul>
				{alerts.map((a) => (
					<li>
						<a href="/console/alerts?status=open" class="mono">
							{a.kind}
						</a>{" "}
						<a href={consolePathOf(a) ?? "/console/alerts"} class="mono small">
							{a.subject}
						</a>{" "}
						<span class="muted small">×{a.count}</span>
					</li>
				))}
			</ul>
		</Panel>
	);
}
