/** Resolving what a name points at (alias, virtual alias, stage) to a version row, in one query. */
import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Db } from "../client";
import { modelVersions } from "../schema";
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

export type Selector = { alias: string; stage?: undefined } | { stage: string; alias?: undefined };

/** The version row a selector points at now, or undefined. One round trip either way. */
export async function resolveSelector(
  db: Db,
  modelId: string,
  selector: Selector,
): Promise<VersionRow | undefined> {
  if (selector.stage !== undefined) {
    return db
      .select()
      .from(modelVersions)
      .where(
        and(
          eq(modelVersions.modelId, modelId),
          eq(modelVersions.stage, selector.stage as VersionRow["stage"]),
        ),
      )
      .orderBy(desc(modelVersions.version))
      .limit(1)
      .get();
  }
  return db
    .select()
    .from(modelVersions)
    .where(
      and(
        eq(modelVersions.modelId, modelId),
        eq(modelVersions.version, expectedVersionSql(modelId, selector.alias)),
      ),
    )
    .get();
}
