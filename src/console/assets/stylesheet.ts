/**
 * The console's one stylesheet, served by the Worker at /assets/console.css (no CDN, works
 * offline). Colours pass WCAG AA contrast on their backgrounds; layout collapses to one column
 * below 720px so pages stay usable at 360px.
 */
export const STYLESHEET = `
:root {
  --bg: #f6f7f9; --panel: #ffffff; --ink: #1b1f24; --muted: #57606a; --line: #d8dee4;
  --accent: #0b57d0; --accent-ink: #ffffff; --ok: #116329; --warn: #7d4e00; --bad: #a40e26;
  --ok-bg: #dafbe1; --warn-bg: #fff1c2; --bad-bg: #ffebe9; --info-bg: #ddf4ff; --hl: #fff8c5;
  --radius: 6px; --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
}
* { box-sizing: border-box; }
html { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
body { margin: 0; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, summary:focus-visible {
  outline: 3px solid #f2a900; outline-offset: 2px;
}
.skip { position: absolute; left: -9999px; }
.skip:focus { left: 8px; top: 8px; background: var(--panel); padding: 6px 10px; z-index: 10; }
header.top { background: #0d1b2a; color: #fff; }
header.top .bar { max-width: 1200px; margin: 0 auto; padding: 10px 16px; display: flex; flex-wrap: wrap; gap: 8px 20px; align-items: center; }
header.top .brand { color: #fff; font-weight: 700; text-decoration: none; font-size: 1.05rem; letter-spacing: .2px; }
header.top nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 0; padding: 0; }
header.top nav a { color: #dbe7f5; text-decoration: none; padding: 2px 0; border-bottom: 2px solid transparent; }
header.top nav a[aria-current="page"] { color: #fff; border-bottom-color: #7cb7ff; }
header.top .who { margin-left: auto; display: flex; gap: 10px; align-items: center; color: #dbe7f5; font-size: .9rem; }
header.top .who form { margin: 0; }
header.top .who button { background: transparent; color: #fff; border: 1px solid #6b7f95; padding: 3px 10px; }
main { max-width: 1200px; margin: 0 auto; padding: 20px 16px 48px; }
h1 { font-size: 1.55rem; margin: 0 0 4px; line-height: 1.25; word-break: break-word; }
h2 { font-size: 1.15rem; margin: 0 0 10px; }
h3 { font-size: 1rem; margin: 14px 0 6px; }
.sub { color: var(--muted); margin: 0 0 18px; }
.crumbs { font-size: .9rem; color: var(--muted); margin-bottom: 6px; }
.crumbs a { color: var(--muted); }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 16px; margin-bottom: 16px; overflow-x: auto; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 16px; margin-bottom: 16px; }
.grid .panel { margin-bottom: 0; }
.stack > * + * { margin-top: 16px; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: .82rem; text-transform: uppercase; letter-spacing: .3px; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.diff td, td.diff { background: var(--hl); }
dl.kv { display: grid; grid-template-columns: minmax(110px, max-content) 1fr; gap: 4px 14px; margin: 0; }
dl.kv dt { color: var(--muted); }
dl.kv dd { margin: 0; word-break: break-word; }
code, .mono { font-family: var(--mono); font-size: .86em; word-break: break-all; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: .78rem; font-weight: 600; border: 1px solid transparent; white-space: nowrap; }
.badge.Production { background: var(--ok-bg); color: var(--ok); border-color: #82d597; }
.badge.Staging { background: var(--info-bg); color: #0a3069; border-color: #80ccff; }
.badge.Archived { background: #eaeef2; color: #424a53; border-color: #c9d1d9; }
.badge.None { background: #f6f8fa; color: var(--muted); border-color: var(--line); }
.badge.alias { background: #fbefff; color: #6e2aa5; border-color: #e0b3ff; }
.badge.tag { background: #f6f8fa; color: var(--ink); border-color: var(--line); font-weight: 500; }
.badge.ok { background: var(--ok-bg); color: var(--ok); }
.badge.bad { background: var(--bad-bg); color: var(--bad); }
.badge.warn { background: var(--warn-bg); color: var(--warn); }
.chips { display: flex; flex-wrap: wrap; gap: 4px; }
.flash { padding: 10px 14px; border-radius: var(--radius); margin-bottom: 16px; border: 1px solid; }
.flash.ok { background: var(--ok-bg); border-color: #82d597; color: var(--ok); }
.flash.error { background: var(--bad-bg); border-color: #ff8182; color: var(--bad); }
.flash.info { background: var(--info-bg); border-color: #80ccff; color: #0a3069; }
.flash pre { margin: 6px 0 0; white-space: pre-wrap; font-family: var(--mono); font-size: .85rem; color: var(--ink); }
form.inline { display: inline; }
label { display: block; font-weight: 600; margin-bottom: 4px; }
.hint { color: var(--muted); font-size: .85rem; font-weight: 400; }
input[type=text], input[type=password], input[type=search], input[type=number], select, textarea {
  width: 100%; padding: 7px 10px; border: 1px solid #8c959f; border-radius: var(--radius); font: inherit; background: #fff; color: var(--ink);
}
input[aria-invalid=true] { border-color: var(--bad); border-width: 2px; }
textarea { min-height: 64px; }
button, .button { display: inline-block; font: inherit; font-weight: 600; padding: 7px 14px; border-radius: var(--radius); border: 1px solid #1f4fa8; background: var(--accent); color: var(--accent-ink); cursor: pointer; text-decoration: none; }
button.secondary, .button.secondary { background: #fff; color: var(--ink); border-color: #8c959f; }
button.danger { background: var(--bad); border-color: #82071e; }
.field { margin-bottom: 12px; }
.check { display: flex; gap: 8px; align-items: center; font-weight: 400; }
.row { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-end; }
.row > .grow { flex: 1 1 260px; }
.search { display: grid; grid-template-columns: 1fr auto auto auto; gap: 10px; align-items: end; }
.facets { display: flex; flex-wrap: wrap; gap: 6px 14px; margin-top: 10px; font-size: .9rem; }
.facets a[aria-current="true"] { font-weight: 700; color: var(--ink); }
.pager { display: flex; justify-content: space-between; margin-top: 12px; }
.muted { color: var(--muted); }
.desc { color: var(--muted); font-size: .88rem; margin-top: 2px; max-width: 60ch; }
.svgwrap { overflow-x: auto; }
svg.lineage { min-width: 480px; max-width: 100%; height: auto; display: block; }
svg.lineage .node rect { fill: #fff; stroke: #8c959f; }
svg.lineage .node.root rect { stroke: var(--accent); stroke-width: 2.5; }
svg.lineage .node.dataset rect { fill: #fff8e6; stroke: #d4a72c; }
svg.lineage .node.run rect, svg.lineage .node.commit rect { fill: #f6f8fa; }
svg.lineage .node a:focus rect, svg.lineage .node a:hover rect { stroke: var(--accent); stroke-width: 2.5; }
svg.lineage text { font: 12px system-ui, sans-serif; fill: var(--ink); }
svg.lineage text.kind { fill: var(--muted); font-size: 10px; text-transform: uppercase; }
svg.lineage path.edge { fill: none; stroke: #8c959f; stroke-width: 1.5; }
svg.chart { max-width: 100%; height: auto; display: block; }
svg.chart text { font: 11px system-ui, sans-serif; fill: var(--ink); }
svg.chart .axis { stroke: var(--line); }
.s0 { fill: #0b57d0; } .s1 { fill: #d1570b; } .s2 { fill: #1a7f37; } .s3 { fill: #8250df; } .s4 { fill: #bf3989; } .s5 { fill: #57606a; }
.legend { display: flex; flex-wrap: wrap; gap: 12px; font-size: .85rem; margin: 6px 0; }
.legend span::before { content: ""; display: inline-block; width: 10px; height: 10px; margin-right: 5px; border-radius: 2px; background: currentColor; }
.l0 { color: #0b57d0; } .l1 { color: #d1570b; } .l2 { color: #1a7f37; } .l3 { color: #8250df; } .l4 { color: #bf3989; } .l5 { color: #57606a; }
.card-html h2 { font-size: 1rem; margin-top: 14px; }
.card-html table { margin: 6px 0; }
.login { max-width: 440px; margin: 48px auto; }
.secret { font-family: var(--mono); background: var(--warn-bg); padding: 8px; border-radius: var(--radius); word-break: break-all; }
details > summary { cursor: pointer; font-weight: 600; }
.kv + .actions, .kv + p { margin-top: 12px; }
.actions { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 12px; }
.actions form { border: 1px solid var(--line); border-radius: var(--radius); padding: 12px; background: #fbfcfd; }
@media (max-width: 720px) {
  .search { grid-template-columns: 1fr 1fr; }
  .search .q { grid-column: 1 / -1; }
  header.top .who { margin-left: 0; }
  th, td { padding: 6px; }
  .hide-sm { display: none; }
  main { padding: 14px 10px 40px; }
}
`;
