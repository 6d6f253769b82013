/** How a catalogue entry finds the versions that used it: by digest when it has one, else uri@version. */
import type { Db } from "../../db/client";
import { catalogueEntryFor, type DatasetRow } from "../../db/repos/datasets-repo";
import type { DatasetKey } from "../../db/repos/lineage-repo";
import type { LineageNode } from "../../domain/lineage";

export const catalogueKey = (row: DatasetRow): DatasetKey =>
  row.digest
    ? { digest: row.digest }
    : { uri: row.uri, version: row.version === "" ? undefined : row.version };

/** Points each dataset node of a lineage graph at its catalogue entry, when it has one (issue #19). */
export async function withCatalogueIds<G extends { nodes: LineageNode[] }>(db: Db, graph: G): Promise<G> {
  const nodes = await Promise.all(
    graph.nodes.map(async (node) => {
      if (node.type !== "dataset" || node.uri === undefined) return node;
      const ref = {
        uri: node.uri,
        ...(node.dataset_version ? { version: node.dataset_version } : {}),
        ...(node.digest ? { digest: node.digest } : {}),
      };
      return { ...node, dataset_id: (await catalogueEntryFor(db, ref))?.id ?? null };
    }),
  );
  return { ...graph, nodes };
}
