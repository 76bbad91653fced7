/** The console's stylesheet: served by the worker (assets.ts), light and dark, laptop and phone. */
export const STYLES = `
:root {
	color-scheme: light dark;
	--bg: #f6f7f9; --panel: #ffffff; --text: #1b1f24; --muted: #57606a; --line: #d0d7de;
	--accent: #0b5cad; --accent-soft: #dcebfa; --accent-text: #ffffff;
	--ok: #1a7f37; --ok-soft: #dafbe1; --warn: #9a6700; --warn-soft: #fff8c5;
	--bad: #b42318; --bad-soft: #ffebe9; --info: #6639ba; --info-soft: #f3eefc;
	--stale: #8c959f; --focus: #e36209;
	--s-accepted: #2f81f7; --s-duplicate: #8c959f; --s-stale: #d4a72c; --s-quarantined: #8250df; --s-rejected: #cf222e;
}
@media (prefers-color-scheme: dark) {
	:root {
		--bg: #0d1117; --panel: #161b22; --text: #e6edf3; --muted: #9da7b3; --line: #30363d;
		--accent: #58a6ff; --accent-soft: #132c4a; --accent-text: #0d1117;
		--ok: #3fb950; --ok-soft: #12301b; --warn: #d29922; --warn-soft: #2e2410;
		--bad: #f85149; --bad-soft: #3a1618; --info: #bc8cff; --info-soft: #261a3d;
		--stale: #6e7681; --focus: #f0883e;
	}
}
* { box-sizing: border-box; }
html { font-size: 15px; }
body { margin: 0; background: var(--bg); color: var(--text); line-height: 1.45;
	font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
a { color: var(--accent); }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; border-radius: 3px; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em; }
.skip { position: absolute; left: -999px; top: 0; background: var(--panel); padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: .5rem; }
header.top { background: var(--panel); border-bottom: 1px solid var(--line); }
.top-inner { max-width: 1200px; margin: 0 auto; padding: .5rem 1rem; display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; }
.brand { font-weight: 700; color: var(--text); text-decoration: none; white-space: nowrap; }
nav.sections ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem; }
nav.sections a { display: block; padding: .3rem .6rem; border-radius: 6px; text-decoration: none; color: var(--text); }
nav.sections a[aria-current="page"] { background: var(--accent-soft); color: var(--accent); font-weight: 600; }
nav.sections a:hover { background: var(--bg); }
.who { margin-left: auto; display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; font-size: .9rem; color: var(--muted); }
.who form { margin: 0; }
.langs a { padding: 0 .2rem; }
.langs a[aria-current="true"] { font-weight: 700; color: var(--text); text-decoration: none; }
main { max-width: 1200px; margin: 0 auto; padding: 1rem; overflow-wrap: anywhere; }
footer.bottom { max-width: 1200px; margin: 0 auto; padding: 1rem; color: var(--muted); font-size: .85rem; }
h1 { font-size: 1.5rem; margin: .25rem 0 1rem; overflow-wrap: anywhere; }
h1.url { font-size: 1.25rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
h2 { font-size: 1.15rem; margin: 0 0 .75rem; }
h3 { font-size: 1rem; margin: 1rem 0 .5rem; }
.grid { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 340px), 1fr)); }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 1rem; margin-bottom: 1rem; min-width: 0; }
.panel.wide { grid-column: 1 / -1; }
.muted { color: var(--muted); }
.small { font-size: .85rem; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
td { overflow-wrap: break-word; }
td a.mono, td .mono a, td.mono { overflow-wrap: anywhere; }
th { font-weight: 600; color: var(--muted); white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.stale td { color: var(--muted); }
tr.open-row td { background: var(--accent-soft); }
.badge { display: inline-block; padding: .05rem .45rem; border-radius: 999px; font-size: .8rem; font-weight: 600;
	border: 1px solid transparent; white-space: nowrap; }
.b-accepted, .b-delivered, .b-ok, .b-resolved { background: var(--ok-soft); color: var(--ok); }
.b-stale, .b-pending, .b-paused, .b-acknowledged, .b-duplicate { background: var(--warn-soft); color: var(--warn); }
.b-quarantined, .b-discarded, .b-info { background: var(--info-soft); color: var(--info); }
.b-rejected, .b-failed, .b-dead, .b-open, .b-suppressed, .b-bad { background: var(--bad-soft); color: var(--bad); }
.b-muted { background: var(--bg); color: var(--muted); border-color: var(--line); }
time { white-space: nowrap; }
.sp { display: block; color: var(--muted); font-size: .8rem; white-space: nowrap; }
.notice { border-left: 4px solid var(--ok); background: var(--ok-soft); padding: .6rem .8rem; border-radius: 4px; margin-bottom: 1rem; }
.notice.error { border-color: var(--bad); background: var(--bad-soft); }
.notice.secret { border-color: var(--warn); background: var(--warn-soft); }
.secret-value { display: block; margin: .5rem 0; padding: .5rem; background: var(--panel); border: 1px solid var(--line);
	border-radius: 4px; overflow-wrap: anywhere; }
form.inline { display: inline; margin: 0; }
form.filters { display: flex; flex-wrap: wrap; gap: .5rem .75rem; align-items: flex-end; }
form.filters label, form.stack label { display: flex; flex-direction: column; gap: .2rem; font-size: .85rem; color: var(--muted); max-width: 100%; min-width: 0; }
select { max-width: 100%; text-overflow: ellipsis; }
button.small, .actions button { font-size: .85rem; padding: .2rem .55rem; min-height: 1.8rem; }
form.stack { display: grid; gap: .75rem; max-width: 640px; }
fieldset { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; margin: 0; }
legend { font-size: .85rem; color: var(--muted); padding: 0 .25rem; }
fieldset label { display: inline-flex !important; flex-direction: row !important; align-items: center; gap: .3rem;
	margin: .15rem .75rem .15rem 0; color: var(--text) !important; }
form.stack label.check { flex-direction: row; align-items: center; color: var(--text); }
input, select, textarea, button { font: inherit; color: var(--text); background: var(--panel); border: 1px solid var(--line);
	border-radius: 6px; padding: .35rem .5rem; min-height: 2.1rem; max-width: 100%; }
textarea { min-height: 5rem; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
input[type="checkbox"] { min-height: auto; width: 1rem; height: 1rem; }
button, .button { cursor: pointer; background: var(--accent); color: var(--accent-text); border-color: var(--accent);
	font-weight: 600; text-decoration: none; display: inline-block; }
button.secondary, .button.secondary { background: var(--panel); color: var(--accent); }
button.danger { background: var(--panel); color: var(--bad); border-color: var(--bad); }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
.pager { display: flex; gap: 1rem; margin-top: .75rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
details > summary { cursor: pointer; color: var(--accent); }
pre.payload { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: .75rem; overflow: auto; max-height: 32rem; }
.split { display: grid; gap: 1rem; grid-template-columns: minmax(0, 380px) minmax(0, 1fr); }
@media (max-width: 820px) { .split { grid-template-columns: minmax(0, 1fr); } .who { margin-left: 0; } }
/* Phones: a table marked .stack reads as one block per row, each cell under its column's name. */
@media (max-width: 700px) {
	table.stack > thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
	table.stack, table.stack > tbody, table.stack > tbody > tr, table.stack > tbody > tr > td { display: block; width: 100%; }
	table.stack > tbody > tr { border-bottom: 1px solid var(--line); padding: .35rem 0; }
	table.stack > tbody > tr > td { border: 0; padding: .15rem 0; text-align: left; }
	table.stack > tbody > tr > td[data-label]::before { content: attr(data-label); display: inline-block; min-width: 7.5rem;
		color: var(--muted); font-size: .8rem; font-weight: 600; vertical-align: top; }
	table.stack > tbody > tr > td[data-label] .sp { display: inline; margin-left: .4rem; }
}
svg.flow { width: 100%; max-width: 380px; height: auto; }
svg.flow .box { fill: var(--panel); stroke: var(--line); stroke-width: 1.5; }
svg.flow .passed .box { fill: var(--accent-soft); stroke: var(--accent); }
svg.flow .current .box { fill: var(--accent); stroke: var(--accent); stroke-width: 3; }
svg.flow .current text { fill: var(--accent-text); font-weight: 700; }
svg.flow .stale-only .box { stroke: var(--stale); stroke-dasharray: 4 3; }
svg.flow .final .ring { fill: none; stroke: var(--text); stroke-width: 1; }
svg.flow .undocumented .box { stroke: var(--bad); stroke-dasharray: 2 2; }
svg.flow text { fill: var(--text); font-size: 12px; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
svg.flow text.note { fill: var(--muted); font-size: 10px; font-family: system-ui, sans-serif; }
svg.flow .edge { fill: none; stroke: var(--muted); stroke-width: 1.25; }
svg.flow .edge.taken { stroke: var(--accent); stroke-width: 2; }
svg.flow marker path { fill: var(--muted); }
.legend { display: flex; flex-wrap: wrap; gap: .25rem .9rem; font-size: .8rem; color: var(--muted); margin: .5rem 0 0; padding: 0; list-style: none; }
.legend span.key { display: inline-block; width: .8rem; height: .8rem; border-radius: 3px; border: 1.5px solid var(--line); vertical-align: -2px; margin-right: .3rem; }
.legend .k-passed { background: var(--accent-soft); border-color: var(--accent); }
.legend .k-current { background: var(--accent); border-color: var(--accent); }
.legend .k-final { outline: 1px solid var(--text); outline-offset: 1px; }
.legend .k-stale { border-style: dashed; border-color: var(--stale); }
.legend .k-accepted { background: var(--s-accepted); border: 0; } .legend .k-duplicate { background: var(--s-duplicate); border: 0; }
.legend .k-stale-bar { background: var(--s-stale); border: 0; } .legend .k-quarantined { background: var(--s-quarantined); border: 0; }
.legend .k-rejected { background: var(--s-rejected); border: 0; }
.chart-box { margin: 0; }
.chart-plot { position: relative; padding-left: 2.5rem; }
.chart-max { position: absolute; left: 0; top: 0; font-size: .75rem; color: var(--muted); }
svg.chart { width: 100%; height: 160px; display: block; }
svg.chart .axis { stroke: var(--line); stroke-width: 1; }
.chart-hours { display: grid; grid-template-columns: repeat(8, 1fr); padding-left: 2.5rem; font-size: .75rem; color: var(--muted); }
svg.chart .accepted { fill: var(--s-accepted); } svg.chart .duplicate { fill: var(--s-duplicate); }
svg.chart .stale { fill: var(--s-stale); } svg.chart .quarantined { fill: var(--s-quarantined); }
svg.chart .rejected { fill: var(--s-rejected); }
.counts { display: flex; flex-wrap: wrap; gap: .75rem; }
.count { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; min-width: 7rem; }
.count strong { display: block; font-size: 1.4rem; }
.count.bad strong { color: var(--bad); }
.ops h3 { margin-top: 0; }
.docs-op { border-top: 1px solid var(--line); padding-top: .75rem; margin-top: .75rem; }
.method { display: inline-block; min-width: 4.2rem; font-weight: 700; }
.m-get { color: var(--ok); } .m-post { color: var(--accent); } .m-patch { color: var(--warn); } .m-delete { color: var(--bad); }
`;
