/**
 * Metadata freshness (issue #6): Production versions with, for each, when its description last
 * changed (the audit log is the record of `model_version.updated`) and the description of the
 * version registered before it, so the report can flag stale or copied descriptions.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { models, modelVersions } from "../schema";
import { scopeCondition } from "./scope-filter";

export interface ProductionMetadataRow {
  name: string;
  version: number;
  description: string;
  createdAt: number;
  lastDescriptionUpdate: number | null;
  previousVersion: number | null;
  previousDescription: string | null;
}

const previous = (column: "version" | "description") =>
  sql.raw(
    `(select p.${column} from model_versions p where p.model_id = model_versions.model_id and p.version < model_versions.version order by p.version desc limit 1)`,
  );

export async function productionMetadata(db: Db, scopes: string[] | null): Promise<ProductionMetadataRow[]> {
  return db
    .select({
      name: models.name,
      version: modelVersions.version,
      description: modelVersions.description,
      createdAt: modelVersions.createdAt,
      lastDescriptionUpdate: sql<
        number | null
      >`(select max(a.created_at) from audit_log a where a.chain = model_versions.model_id and a.action = 'model_version.updated' and a.target = 'model:' || ${models.name} || '/versions/' || model_versions.version)`,
      previousVersion: sql<number | null>`${previous("version")}`,
      previousDescription: sql<string | null>`${previous("description")}`,
    })
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .where(and(eq(modelVersions.stage, "Production"), scopeCondition(models.name, scopes)))
    .orderBy(asc(models.name))
    .all();
}
