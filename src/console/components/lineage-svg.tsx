/**
 * The lineage graph drawn on the server as an SVG picture: what a version came from to the right
 * (parents, datasets, run, commit), what was derived from it to the left, every node a link.
 * Layout is by depth (one column per hop), nodes stacked in each column; no script needed.
 */
import type { LineageGraph, LineageNode } from "../../domain/lineage";
import { versionHref } from "../hrefs";

const W = 190;
const H = 46;
const COL = 240;
const ROW = 62;
const PAD = 12;

export interface PlacedNode {
  node: LineageNode;
  col: number;
  row: number;
  root: boolean;
}

function href(n: LineageNode, rootHref: string): string {
  if (n.type === "version" && n.name !== undefined && n.version !== undefined)
    return versionHref(n.name, n.version);
  if (n.type === "dataset")
    return `/datasets?${new URLSearchParams(n.digest ? { digest: n.digest } : { uri: n.uri ?? "", version: n.dataset_version ?? "" })}`;
  return `${rootHref}#provenance`;
}

function label(n: LineageNode): { kind: string; text: string } {
  switch (n.type) {
    case "version":
      return { kind: `version · ${n.stage ?? ""}`, text: `${n.name} v${n.version}` };
    case "dataset":
      return {
        kind: "dataset",
        text: `${n.uri ?? n.digest ?? ""}${n.dataset_version ? `@${n.dataset_version}` : ""}`,
      };
    case "run":
      return { kind: "run", text: n.run_id ?? "" };
    default:
      return { kind: "commit", text: `${n.code_repo ? `${n.code_repo}@` : ""}${n.code_commit ?? ""}` };
  }
}

const clip = (s: string, n = 26) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Upstream and downstream graphs of the same root, placed in columns (downstream negative). */
export function placeLineage(
  up: LineageGraph,
  down: LineageGraph,
): { placed: PlacedNode[]; edges: LineageGraph["edges"] } {
  const cols = new Map<string, number>();
  // A version sits at its hop count; its datasets, run and commit carry the next hop as their depth.
  for (const n of up.nodes) cols.set(n.id, n.depth);
  for (const n of down.nodes) if (!cols.has(n.id)) cols.set(n.id, -n.depth);
  const nodes = new Map<string, LineageNode>();
  for (const n of [...up.nodes, ...down.nodes]) if (!nodes.has(n.id)) nodes.set(n.id, n);
  const min = Math.min(...cols.values());
  const rows = new Map<number, number>();
  const placed: PlacedNode[] = [];
  for (const [id, n] of nodes) {
    const col = (cols.get(id) ?? 0) - min;
    const row = rows.get(col) ?? 0;
    rows.set(col, row + 1);
    placed.push({ node: n, col, row, root: id === up.root });
  }
  const seen = new Set<string>();
  const edges = [...up.edges, ...down.edges].filter((e) => {
    const key = `${e.from}>${e.to}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { placed, edges };
}

export function LineageSvg({
  up,
  down,
  rootHref,
}: {
  up: LineageGraph;
  down: LineageGraph;
  rootHref: string;
}) {
  const { placed, edges } = placeLineage(up, down);
  const at = new Map(placed.map((p) => [p.node.id, p]));
  const width = (Math.max(...placed.map((p) => p.col)) + 1) * COL - (COL - W) + PAD * 2;
  const height = (Math.max(...placed.map((p) => p.row)) + 1) * ROW - (ROW - H) + PAD * 2;
  const x = (p: PlacedNode) => PAD + p.col * COL;
  const y = (p: PlacedNode) => PAD + p.row * ROW;
  const root = placed.find((p) => p.root);
  return (
    <svg
      class="lineage"
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      role="img"
      aria-labelledby="lineage-title"
      xmlns="http://www.w3.org/2000/svg"
    >
      <title id="lineage-title">
        {`Lineage of ${root ? label(root.node).text : "this version"}: ${placed.length} nodes, ${edges.length} links`}
      </title>
      {edges.map((e) => {
        const a = at.get(e.from);
        const b = at.get(e.to);
        if (!a || !b) return null;
        const [l, r] = a.col <= b.col ? [a, b] : [b, a];
        const x1 = x(l) + W;
        const y1 = y(l) + H / 2;
        const x2 = x(r);
        const y2 = y(r) + H / 2;
        const mid = (x1 + x2) / 2;
        return <path class="edge" d={`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`} />;
      })}
      {placed.map((p) => {
        const { kind, text } = label(p.node);
        return (
          <g class={`node ${p.node.type}${p.root ? " root" : ""}`}>
            <a href={href(p.node, rootHref)} aria-label={`${kind}: ${text}`}>
              <title>{`${kind}: ${text}`}</title>
              <rect x={x(p)} y={y(p)} width={W} height={H} rx={6} />
              <text class="kind" x={x(p) + 10} y={y(p) + 16}>
                {kind}
              </text>
              <text x={x(p) + 10} y={y(p) + 34}>
                {clip(text)}
              </text>
            </a>
          </g>
        );
      })}
    </svg>
  );
}
