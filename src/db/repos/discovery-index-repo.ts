/**
 * Statement builders for the discovery index tables (metrics, params, datasets of each version).
 * The ledger adds them to the batch that registers the version, so search never sees a version
 * without its index rows or the other way round.
 */
import { eq, inArray } from "drizzle-orm";
import type { Dataset } from "../../domain/version-record";
import { chunkRows, type Db, type Statement } from "../client";
import { modelVersions, versionDatasets, versionMetrics, versionParams } from "../schema";

export interface IndexedRecord {
  params: Record<string, string>;
  metrics: Record<string, number>;
  slices: Record<string, Record<string, number>>;
  datasets: Dataset[];
}

export function insertVersionIndexes(
  db: Db,
  versionId: string,
  modelId: string,
  record: IndexedRecord,
): Statement[] {
  const metrics = [
    ...Object.entries(record.metrics).map(([name, value]) => ({
      versionId,
      modelId,
      slice: "",
      name,
      value,
    })),
    ...Object.entries(record.slices).flatMap(([slice, values]) =>
      Object.entries(values).map(([name, value]) => ({ versionId, modelId, slice, name, value })),
    ),
  ];
  const params = Object.entries(record.params).map(([key, value]) => ({ versionId, key, value }));
  const datasets = record.datasets.map((d, position) => ({
    versionId,
    modelId,
    position,
    uri: d.uri,
    version: d.version ?? null,
    digest: d.digest ?? null,
    role: d.role ?? null,
  }));
  return [
    ...chunkRows(metrics, 5).map((chunk) => db.insert(versionMetrics).values(chunk)),
    ...chunkRows(params, 3).map((chunk) => db.insert(versionParams).values(chunk)),
    ...chunkRows(datasets, 7).map((chunk) => db.insert(versionDatasets).values(chunk)),
  ];
}

/** Removes a model's index rows; must run before its model_versions rows are deleted. */
export function deleteModelIndexes(db: Db, modelId: string): Statement[] {
  const ids = db
    .select({ id: modelVersions.id })
    .from(modelVersions)
    .where(eq(modelVersions.modelId, modelId));
  return [
    db.delete(versionMetrics).where(inArray(versionMetrics.versionId, ids)),
    db.delete(versionParams).where(inArray(versionParams.versionId, ids)),
    db.delete(versionDatasets).where(inArray(versionDatasets.versionId, ids)),
  ];
}
