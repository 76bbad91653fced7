/** The overview's chart: 24 hours of webhooks, one stacked bar per hour by outcome, and the same as a table. */
import type { Dictionary } from "./i18n";

export const CHART_SERIES = ["accepted", "duplicate", "stale", "quarantined", "rejected"] as const;
export type Series = (typeof CHART_SERIES)[number];

export interface HourBar {
	/** `YYYY-MM-DDTHH` (UTC). */
	hour: string;
	counts: Record<Series, number>;
}

/** The 24 hours ending with `now`'s, oldest first, filled from per-hour rows (suppressed floods count as rejected). */
export function hoursOf(rows: { hour: string; outcome: string; requests: number }[], now: Date, hours = 24): HourBar[] {
	const start = Math.floor(now.getTime() / 3_600_000) - (hours - 1);
	const bars = Array.from({ length: hours }, (_, i) => ({
		hour: new Date((start + i) * 3_600_000).toISOString().slice(0, 13),
		counts: { accepted: 0, duplicate: 0, stale: 0, quarantined: 0, rejected: 0 },
	}));
	const byHour = new Map(bars.map((bar) => [bar.hour, bar]));
	for (const row of rows) {
		const bar = byHour.get(row.hour);
		const series = (row.outcome === "suppressed" ? "rejected" : row.outcome) as Series;
		if (bar && series in bar.counts) bar.counts[series] += row.requests;
	}
	return bars;
}

const W = 480;
const H = 140;
const TOP = 8;
const BOTTOM = 22;
const LEFT = 34;

export function WebhookChart({ bars, t }: { bars: HourBar[]; t: Dictionary }) {
	const totals = bars.map((b) => CHART_SERIES.reduce((n, s) => n + b.counts[s], 0));
	const max = Math.max(1, ...totals);
	const plot = H - TOP - BOTTOM;
	const step = (W - LEFT) / bars.length;
	return (
		<figure>
			<svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="chart-title chart-desc">
				<title id="chart-title">{t.last24h}</title>
				<desc id="chart-desc">{`${t.chartDesc} ${t.total}: ${totals.reduce((a, b) => a + b, 0)}.`}</desc>
				<line class="axis" x1={LEFT} y1={H - BOTTOM} x2={W} y2={H - BOTTOM} />
				<text x={LEFT - 4} y={TOP + 8} text-anchor="end">
					{max}
				</text>
				<text x={LEFT - 4} y={H - BOTTOM} text-anchor="end">
					0
				</text>
				{bars.map((bar, i) => {
					let y = H - BOTTOM;
					const x = LEFT + i * step + 2;
					return (
						<g>
							{CHART_SERIES.map((series) => {
								const height = (bar.counts[series] / max) * plot;
								y -= height;
								return height > 0 ? (
									<rect class={series} x={x} y={y} width={step - 4} height={height}>
										<title>{`${bar.hour}:00 UTC ${series}: ${bar.counts[series]}`}</title>
									</rect>
								) : null;
							})}
							{i % 3 === 0 ? (
								<text x={x + (step - 4) / 2} y={H - 6} text-anchor="middle">
									{bar.hour.slice(11)}h
								</text>
							) : null}
						</g>
					);
				})}
			</svg>
			<ul class="legend">
				{CHART_SERIES.map((series) => (
					<li>
						<span class={`key k-${series === "stale" ? "stale-bar" : series}`} />
						{series}
					</li>
				))}
			</ul>
			<details>
				<summary>{t.asTable}</summary>
				<div class="table-wrap">
					<table>
						<thead>
							<tr>
								<th scope="col">{t.hour}</th>
								{CHART_SERIES.map((s) => (
									<th scope="col" class="num">
										{s}
									</th>
								))}
							</tr>
						</thead>
						<tbody>
							{bars.map((bar) => (
								<tr>
									<th scope="row">{bar.hour.replace("T", " ")}:00</th>
									{CHART_SERIES.map((s) => (
										<td class="num">{bar.counts[s]}</td>
									))}
								</tr>
							))}
						</tbody>
					</table>
				</div>
			</details>
		</figure>
	);
}
