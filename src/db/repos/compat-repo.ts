/** Reads for the compatibility report: the version before this one and the one in Production. */
import { and, desc, eq, lt } from "drizzle-orm";
import type { Db } from "../client";
import { modelVersions } from "../schema";

const columns = {
  version: modelVersions.version,
  signature: modelVersions.signature,
  stage: modelVersions.stage,
};

/** The version before `version` (at most one row); a query, so a page can batch it with others. */
export function previousVersionQuery(db: Db, modelId: string, version: number) {
  return db
    .select(columns)
    .from(modelVersions)
    .where(and(eq(modelVersions.modelId, modelId), lt(modelVersions.version, version)))
    .orderBy(desc(modelVersions.version))
    .limit(1);
}

/** The version in Production (at most one row), as a batchable query. */
export function productionVersionQuery(db: Db, modelId: string) {
  return db
    .select(columns)
    .from(modelVersions)
    .where(and(eq(modelVersions.modelId, modelId), eq(modelVersions.stage, "Production")))
    .limit(1);
}

export async function findPreviousVersion(db: Db, modelId: string, version: number) {
  return previousVersionQuery(db, modelId, version).get();
}

export async function findProductionVersion(db: Db, modelId: string) {
  return productionVersionQuery(db, modelId).get();
}
