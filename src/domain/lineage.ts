/**
 * Builds the lineage graph (nodes and edges) from the versions a walk along parent links found.
 * Pure: the walk itself is a query (src/db/repos/lineage-repo.ts). Edges point from the derived
 * thing to what it came from: version → parent version, dataset, run, commit.
 */
import type { Dataset, Provenance } from "./version-record";

export type Stage = "None" | "Staging" | "Production" | "Archived";

export interface LineageVersion {
  id: string;
  depth: number;
  name: string;
  version: number;
  stage: Stage;
  datasets: Dataset[];
  provenance: Provenance;
  parentModel: string | null;
  parentVersion: number | null;
}

export interface LineageNode {
  id: string;
  type: "version" | "dataset" | "run" | "commit";
  depth: number;
  name?: string;
  version?: number;
  stage?: Stage;
  uri?: string;
  dataset_version?: string | null;
  digest?: string | null;
  /** The dataset catalogue entry (`dst_…`) this node is, or null when it is not catalogued (issue #19). */
  dataset_id?: string | null;
  run_id?: string;
  experiment_id?: string | null;
  code_repo?: string | null;
  code_commit?: string;
}

export interface LineageEdge {
  from: string;
  to: string;
  relation: "derived_from" | "trained_on" | "evaluated_on" | "produced_by" | "built_from";
  role?: string | null;
}

export interface LineageGraph {
  root: string;
  direction: "upstream" | "downstream";
  depth: number;
  nodes: LineageNode[];
  edges: LineageEdge[];
  truncated: boolean;
}

export const versionNodeId = (name: string, version: number) => `version:${name}/${version}`;
/** A dataset is identified by its digest when it has one, else by uri and version. */
export const datasetNodeId = (d: Dataset) =>
  d.digest ? `dataset:${d.digest}` : `dataset:${d.uri}@${d.version ?? ""}`;
const EVALUATION_ROLES = new Set(["evaluation", "validation", "test", "eval"]);

class GraphBuilder {
  readonly nodes = new Map<string, LineageNode>();
  readonly edges = new Map<string, LineageEdge>();

  node(node: LineageNode) {
    const existing = this.nodes.get(node.id);
    if (!existing) this.nodes.set(node.id, node);
    else existing.depth = Math.min(existing.depth, node.depth);
  }

  edge(edge: LineageEdge) {
    this.edges.set(`${edge.from} ${edge.to} ${edge.relation}`, edge);
  }

  version(v: LineageVersion) {
    this.node({
      id: versionNodeId(v.name, v.version),
      type: "version",
      depth: v.depth,
      name: v.name,
      version: v.version,
      stage: v.stage,
    });
  }

  /** The version's datasets, run and code commit. */
  inputs(v: LineageVersion) {
    const from = versionNodeId(v.name, v.version);
    for (const d of v.datasets) {
      const id = datasetNodeId(d);
      this.node({
        id,
        type: "dataset",
        depth: v.depth + 1,
        uri: d.uri,
        dataset_version: d.version ?? null,
        digest: d.digest ?? null,
      });
      const relation = EVALUATION_ROLES.has((d.role ?? "").toLowerCase()) ? "evaluated_on" : "trained_on";
      this.edge({ from, to: id, relation, role: d.role ?? null });
    }
    const p = v.provenance;
    if (p.run_id) {
      const id = `run:${p.run_id}`;
      this.node({
        id,
        type: "run",
        depth: v.depth + 1,
        run_id: p.run_id,
        experiment_id: p.experiment_id ?? null,
      });
      this.edge({ from, to: id, relation: "produced_by" });
    }
    if (p.code_commit) {
      const id = `commit:${p.code_repo ?? ""}@${p.code_commit}`;
      this.node({
        id,
        type: "commit",
        depth: v.depth + 1,
        code_repo: p.code_repo ?? null,
        code_commit: p.code_commit,
      });
      this.edge({ from, to: id, relation: "built_from" });
    }
  }
}

/**
 * @param walked versions found by the walk, down to `maxDepth + 1` so truncation can be reported.
 * @param visible the caller's token scope: a version outside it (and what lies beyond it) is left out,
 *   exactly as if it did not exist.
 */
export function buildLineage(
  walked: LineageVersion[],
  rootId: string,
  direction: "upstream" | "downstream",
  maxDepth: number,
  visible: (modelName: string) => boolean,
): LineageGraph {
  const g = new GraphBuilder();
  const byName = new Map(walked.map((v) => [versionNodeId(v.name, v.version), v]));
  const included = new Set<string>();
  let truncated = false;
  const sorted = [...walked].sort((a, b) => a.depth - b.depth);
  const root = sorted.find((v) => v.id === rootId);
  if (!root) throw new Error("the walk must include its root");
  const rootNode = versionNodeId(root.name, root.version);
  included.add(rootNode);
  g.version(root);

  if (direction === "upstream") {
    const queue = [root];
    for (let v = queue.shift(); v; v = queue.shift()) {
      g.inputs(v);
      if (!v.parentModel || v.parentVersion == null) continue;
      const parentId = versionNodeId(v.parentModel, v.parentVersion);
      const parent = byName.get(parentId);
      if (!parent || !visible(parent.name)) continue;
      if (v.depth >= maxDepth) {
        truncated = true;
        continue;
      }
      g.edge({ from: versionNodeId(v.name, v.version), to: parentId, relation: "derived_from" });
      if (!included.has(parentId)) {
        included.add(parentId);
        g.version({ ...parent, depth: v.depth + 1 });
        queue.push({ ...parent, depth: v.depth + 1 });
      }
    }
  } else {
    for (const v of sorted) {
      const id = versionNodeId(v.name, v.version);
      if (id === rootNode || !v.parentModel || v.parentVersion == null || !visible(v.name)) continue;
      const parentId = versionNodeId(v.parentModel, v.parentVersion);
      if (!included.has(parentId)) continue;
      if (v.depth > maxDepth) {
        truncated = true;
        continue;
      }
      included.add(id);
      g.version(v);
      g.edge({ from: id, to: parentId, relation: "derived_from" });
    }
  }
  return {
    root: rootNode,
    direction,
    depth: maxDepth,
    nodes: [...g.nodes.values()],
    edges: [...g.edges.values()],
    truncated,
  };
}
