/** Resolving what a name points at (alias, virtual alias, stage) to a version row, in one query. */
import { and, eq, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Db } from "../client";
import { models, modelVersions } from "../schema";
import type { VersionRow } from "./versions-repo";

type Expr = SQLiteColumn | SQL | string;

/**
 * SQL for the version an alias resolves to (null if none), with the same meaning as
 * `resolveAlias`: `latest` is the highest version, `production` the version in stage Production
 * (both case-insensitive and computed), anything else a stored alias. Usable per row (columns) or
 * with bound values.
 */
export function expectedVersionSql(modelId: Expr, alias: Expr): SQL<number | null> {
  return sql<number | null>`(case lower(${alias})
    when 'latest' then (select max(v.version) from model_versions v where v.model_id = ${modelId})
    when 'production' then (select max(v.version) from model_versions v where v.model_id = ${modelId} and v.stage = 'Production')
    else (select a.version from aliases a where a.model_id = ${modelId} and a.alias = ${alias}) end)`;
}

/** Digest of a model's version `version` (an expression), or null when there is no such version. */
export function versionDigestSql(modelId: Expr, version: Expr | SQL<number | null>): SQL<string | null> {
  return sql<
    string | null
  >`(select v.manifest_digest from model_versions v where v.model_id = ${modelId} and v.version = ${version})`;
}

/**
 * What to resolve. With `bucket` (a node's rollout bucket for this alias, issue 18), an active
 * rollout of the alias answers its canary version when the bucket is below weight x 100.
 */
export type Selector =
  | { alias: string; stage?: undefined; bucket?: number | undefined }
  | { stage: string; alias?: undefined; bucket?: undefined };

/**
 * A model by name and the version a selector points at, in ONE query (the poll path: every query
 * in a D1 session has a cost, and a node polls every few seconds). Null when there is no such
 * model; `version` null when the selector points at nothing.
 */
export async function resolveByName(
  db: Db,
  name: string,
  selector: Selector,
): Promise<{ model: { id: string; name: string }; version: VersionRow | null } | null> {
  const modelId = sql.raw(`"models"."id"`);
  const target =
    selector.stage !== undefined
      ? sql`(select max(v.version) from model_versions v where v.model_id = ${modelId} and v.stage = ${selector.stage})`
      : selector.bucket === undefined
        ? expectedVersionSql(modelId, selector.alias)
        : sql`coalesce((select r.version from rollouts r where r.model_id = ${modelId} and r.alias = ${selector.alias}
            and r.status = 'active' and r.weight * 100 > ${selector.bucket}), ${expectedVersionSql(modelId, selector.alias)})`;
  const row = await db
    .select({ id: models.id, name: models.name, version: modelVersions })
    .from(models)
    .leftJoin(modelVersions, and(eq(modelVersions.modelId, models.id), eq(modelVersions.version, target)))
    .where(eq(models.name, name))
    .get();
  return row ? { model: { id: row.id, name: row.name }, version: row.version ?? null } : null;
}
