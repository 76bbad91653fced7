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

/** Bars in a 240 × 100 box stretched to the chart's width; the labels are HTML, so they stay readable on a phone. */
const W = 240;
const H = 100;

export function WebhookChart({ bars, t }: { bars: HourBar[]; t: Dictionary }) {
	const totals = bars.map((b) => CHART_SERIES.reduce((n, s) => n + b.counts[s], 0));
	const max = Math.max(1, ...totals);
	const step = W / bars.length;
	return (
		<figure class="chart-box">
			<div class="chart-plot">
				<span class="chart-max" aria-hidden="true">
					{max}
				</span>
				<svg
					class="chart"
					viewBox={`0 0 ${W} ${H}`}
					preserveAspectRatio="none"
					role="img"
					aria-labelledby="chart-title chart-desc"
				>
					<title id="chart-title">{t.last24h}</title>
					<desc id="chart-desc">{`${t.chartDesc} ${t.total}: ${totals.reduce((a, b) => a + b, 0)}.`}</desc>
					<line class="axis" x1="0" y1={H} x2={W} y2={H} vector-effect="non-scaling-stroke" />
					{bars.map((bar, i) => {
						let y = H;
						return (
							<g>
								{CHART_SERIES.map((series) => {
									const height = (bar.counts[series] / max) * (H - 2);
									y -= height;
									return height > 0 ? (
										<rect class={series} x={i * step + 1} y={y} width={step - 2} height={height}>
											<title>{`${bar.hour}:00 UTC ${series}: ${bar.counts[series]}`}</title>
										</rect>
									) : null;
								})}
							</g>
						);
					})}
				</svg>
			</div>
			<div class="chart-hours" aria-hidden="true">
				{bars
					.filter((_, i) => i % 3 === 0)
					.map((bar) => (
						<span>{bar.hour.slice(11)}h</span>
					))}
			</div>
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
