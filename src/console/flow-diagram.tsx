/**
 * A kind's documented flow (FLOWS in the catalog) as SVG: its statuses top to bottom in flow
 * order, the documented steps as arrows (next ones straight, longer ones on the right), the
 * statuses this entity passed through highlighted, its current one marked, finals ringed.
 */
import { type EntityKind, FLOWS } from "../catalog/catalog";
import type { Dictionary } from "./i18n";

export interface FlowMarks {
	/** Statuses the entity entered (applied events and corrections). */
	passed: Set<string>;
	/** Statuses it was sent only in events that were stale. */
	staleOnly: Set<string>;
	/** Steps it took, `from>to`. */
	steps: Set<string>;
	current: string | null;
}

const X = 8;
const BOX_W = 250;
const BOX_H = 28;
const GAP = 16;
const LANE = 14;

interface Edge {
	from: number;
	to: number;
	lane: number;
	taken: boolean;
}

/** Documented steps, each once; longer ones get a lane on the right that no overlapping one uses. */
function edgesOf(statuses: readonly string[], kind: EntityKind, steps: Set<string>): Edge[] {
	const seen = new Set<string>();
	const edges: Edge[] = [];
	for (const path of FLOWS[kind].paths) {
		for (let i = 1; i < path.length; i++) {
			const id = `${path[i - 1]}>${path[i]}`;
			if (seen.has(id)) continue;
			seen.add(id);
			edges.push({
				from: statuses.indexOf(path[i - 1]),
				to: statuses.indexOf(path[i]),
				lane: -1,
				taken: steps.has(id),
			});
		}
	}
	const long = edges.filter((e) => Math.abs(e.to - e.from) !== 1).sort((a, b) => span(a) - span(b));
	const placed: Edge[] = [];
	for (const edge of long) {
		let lane = 0;
		while (placed.some((p) => p.lane === lane && overlaps(p, edge))) lane++;
		edge.lane = lane;
		placed.push(edge);
	}
	return edges;
}

const span = (e: Edge) => Math.abs(e.to - e.from);
const overlaps = (a: Edge, b: Edge) =>
	Math.min(a.from, a.to) <= Math.max(b.from, b.to) && Math.min(b.from, b.to) <= Math.max(a.from, a.to);
const top = (i: number) => GAP / 2 + i * (BOX_H + GAP);

export function FlowDiagram(props: { kind: EntityKind; marks: FlowMarks; extra: string[]; t: Dictionary }) {
	const { kind, marks, t } = props;
	const flow = FLOWS[kind];
	const statuses = [...flow.order, ...props.extra];
	const edges = edgesOf(statuses, kind, marks.steps);
	const lanes = Math.max(0, ...edges.map((e) => e.lane + 1));
	const width = X + BOX_W + 12 + lanes * LANE + 8;
	const height = top(statuses.length);
	const described = [
		`${t.flowDesc}`,
		marks.current ? `${t.legendCurrent}: ${marks.current}.` : "",
		marks.passed.size > 0 ? `${t.legendPassed}: ${[...marks.passed].join(", ")}.` : "",
		`${t.legendFinal}: ${flow.final.join(", ")}.`,
	].join(" ");
	return (
		<figure>
			<svg
				class="flow"
				viewBox={`0 0 ${width} ${height}`}
				width={width}
				height={height}
				role="img"
				aria-labelledby="flow-title flow-desc"
			>
				<title id="flow-title">{`${t.flow}: ${kind}`}</title>
				<desc id="flow-desc">{described}</desc>
				<defs>
					<marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto">
						<path d="M0,0 L8,4 L0,8 z" />
					</marker>
				</defs>
				{edges.map((edge) => (
					<path class={edge.taken ? "edge taken" : "edge"} d={edgePath(edge)} marker-end="url(#arrow)" />
				))}
				{statuses.map((status, i) => (
					<StatusBox status={status} index={i} kind={kind} marks={marks} documented={i < flow.order.length} t={t} />
				))}
			</svg>
			<ul class="legend">
				<li>
					<span class="key k-passed" />
					{t.legendPassed}
				</li>
				<li>
					<span class="key k-current" />
					{t.legendCurrent}
				</li>
				<li>
					<span class="key k-final" />
					{t.legendFinal}
				</li>
				<li>
					<span class="key k-stale" />
					{t.legendStale}
				</li>
			</ul>
		</figure>
	);
}

function edgePath(edge: Edge): string {
	const middle = X + BOX_W / 2;
	if (edge.lane < 0) {
		const down = edge.to > edge.from;
		const y1 = down ? top(edge.from) + BOX_H : top(edge.from);
		const y2 = down ? top(edge.to) - 1 : top(edge.to) + BOX_H + 1;
		return `M${middle},${y1} L${middle},${y2}`;
	}
	const right = X + BOX_W;
	const out = right + 12 + edge.lane * LANE;
	const y1 = top(edge.from) + BOX_H / 2;
	const y2 = top(edge.to) + BOX_H / 2;
	return `M${right},${y1} L${out},${y1} L${out},${y2} L${right + 2},${y2}`;
}

function StatusBox(props: {
	status: string;
	index: number;
	kind: EntityKind;
	marks: FlowMarks;
	documented: boolean;
	t: Dictionary;
}) {
	const { status, marks, t } = props;
	const flow = FLOWS[props.kind];
	const isFinal = flow.final.includes(status);
	const fromAnyOpen = flow.fromAnyOpen?.includes(status) ?? false;
	const classes = [
		marks.current === status ? "current" : marks.passed.has(status) ? "passed" : "",
		!marks.passed.has(status) && marks.staleOnly.has(status) ? "stale-only" : "",
		isFinal ? "final" : "",
		props.documented ? "" : "undocumented",
	].filter(Boolean);
	const y = top(props.index);
	const notes = [
		marks.current === status ? t.legendCurrent : marks.passed.has(status) ? t.legendPassed : "",
		marks.staleOnly.has(status) && !marks.passed.has(status) ? t.legendStale : "",
		isFinal ? t.legendFinal : "",
		props.documented ? "" : t.undocumented,
	].filter(Boolean);
	return (
		<g class={classes.join(" ")} data-status={status}>
			<title>{[status, ...notes].join(" · ")}</title>
			{isFinal ? <rect class="ring" x={X - 3} y={y - 3} width={BOX_W + 6} height={BOX_H + 6} rx="8" /> : null}
			<rect class="box" x={X} y={y} width={BOX_W} height={BOX_H} rx="6" />
			<text x={X + 10} y={y + BOX_H / 2 + 4}>
				{status}
			</text>
			{fromAnyOpen || !props.documented ? (
				<text class="note" x={X + BOX_W - 8} y={y + BOX_H / 2 + 3} text-anchor="end">
					{props.documented ? t.anyOpen : t.undocumented}
				</text>
			) : null}
		</g>
	);
}
