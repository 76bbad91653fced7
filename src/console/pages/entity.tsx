/**
 * /console/entities/{kind}/{key}: the kind's documented flow with this entity's way through it,
 * its timeline (each event opening to its payload, with its deliveries and their attempts), the
 * entities it belongs to and those that belong to it, and an admin's repairs.
 */
import { FLOWS, isEntityKind } from "../../catalog/catalog";
import type { RecordedEvent } from "../../model";
import { Badge, CsrfField, EntityLink, entityPath, isAdmin, type View, When } from "../components";
import { FlowDiagram, type FlowMarks } from "../flow-diagram";
import { Page } from "../layout";
import type { EntityData } from "./entity-data";
import { Timeline } from "./entity-timeline";

/** Statuses entered, statuses seen only stale, steps taken: from the page of history in hand. */
export function marksOf(history: RecordedEvent[], current: string | null): FlowMarks {
	const applied = history.filter((e) => e.result === "accepted");
	const passed = new Set(applied.map((e) => e.status));
	const staleOnly = new Set(history.filter((e) => e.result === "stale").map((e) => e.status));
	const steps = new Set(applied.filter((e) => e.previous_status).map((e) => `${e.previous_status}>${e.status}`));
	return { passed, staleOnly, steps, current };
}

export function EntityPage({ view, data }: { view: View; data: EntityData }) {
	const { t } = view;
	const { kind, key, page } = data;
	const entity = page.entity;
	const flow = isEntityKind(kind) ? FLOWS[kind] : null;
	const seen = [...new Set(page.history.map((e) => e.status))];
	const extra = flow ? seen.filter((s) => !flow.order.includes(s)) : [];
	return (
		<Page view={view} title={`${kind}:${key}`}>
			<p class="muted small">{t.entity}</p>
			<h1>
				<span class="muted">{kind}:</span>
				<span class="mono">{key}</span>
			</h1>
			<div class="grid">
				<div>
					<section class="panel" aria-labelledby="h-state">
						<h2 id="h-state">{t.currentStatus}</h2>
						<dl class="facts">
							<dt>{t.status}</dt>
							<dd>{entity ? <Badge of="info" text={entity.status} /> : <span class="muted">—</span>}</dd>
							<dt>{t.occurred}</dt>
							<dd>
								<When at={entity?.occurred_at} t={t} />
							</dd>
							<dt>{t.updated}</dt>
							<dd>
								<When at={entity?.updated_at} t={t} />
							</dd>
							<dt>{t.anomalies}</dt>
							<dd>
								{entity?.anomalies.length ? (
									entity.anomalies.map((a) => <Badge of="bad" text={a.anomaly} />)
								) : (
									<span class="muted">—</span>
								)}
							</dd>
						</dl>
						<Related view={view} data={data} />
					</section>
					{isAdmin(view) && entity && flow ? <Correction view={view} data={data} statuses={flow.order} /> : null}
				</div>
				{flow && isEntityKind(kind) ? (
					<section class="panel" aria-labelledby="h-flow">
						<h2 id="h-flow">{t.flow}</h2>
						<FlowDiagram kind={kind} marks={marksOf(page.history, entity?.status ?? null)} extra={extra} t={t} />
					</section>
				) : null}
			</div>
			<Timeline view={view} data={data} />
		</Page>
	);
}

function Related({ view, data }: { view: View; data: EntityData }) {
	const { t } = view;
	const related = Object.entries(data.page.entity?.related ?? {});
	return (
		<>
			<h3>{t.belongsTo}</h3>
			{related.length === 0 ? (
				<p class="muted">—</p>
			) : (
				<ul>
					{related.map(([link, key]) => (
						<li>
							{isEntityKind(link) ? (
								<EntityLink kind={link} name={key} />
							) : (
								<span>
									<span class="muted">{link}:</span>
									<span class="mono">{key}</span>
								</span>
							)}
						</li>
					))}
				</ul>
			)}
			{data.members.length > 0 ? (
				<>
					<h3>{t.members}</h3>
					<ul>
						{data.members.map((m) => (
							<li>
								<EntityLink kind={m.kind} name={m.key} /> <Badge of="info" text={m.status} />
							</li>
						))}
					</ul>
				</>
			) : null}
		</>
	);
}

function Correction({ view, data, statuses }: { view: View; data: EntityData; statuses: readonly string[] }) {
	const { t } = view;
	return (
		<section class="panel" aria-labelledby="h-correction">
			<h2 id="h-correction">{t.correction}</h2>
			<p class="small muted">{t.correctionHelp}</p>
			<form class="stack" method="post" action={`${entityPath(data.kind, data.key)}/corrections`}>
				<CsrfField view={view} />
				<label>
					{t.newStatus}
					<select name="status" required>
						{statuses.map((s) => (
							<option value={s} selected={s === data.page.entity?.status}>
								{s}
							</option>
						))}
					</select>
				</label>
				<label>
					{t.why}
					<textarea name="reason" required maxlength={500} />
				</label>
				<div>
					<button type="submit">{t.record}</button>
				</div>
			</form>
		</section>
	);
}
