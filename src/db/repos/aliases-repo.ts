/** Aliases (name → version). `latest` and `production` are virtual and never stored. */
import { and, desc, eq, sql } from "drizzle-orm";
import { aliasEtag } from "../../domain/etags";
import type { Db, Statement } from "../client";
import { aliases, models, modelVersions, rollouts } from "../schema";
import { expectedVersionSql } from "./resolve-repo";
import { decisionColumns, type ViewRow, viewColumns } from "./versions-repo";

export type AliasRow = typeof aliases.$inferSelect;

export async function findAlias(db: Db, modelId: string, alias: string): Promise<AliasRow | undefined> {
  return db
    .select()
    .from(aliases)
    .where(and(eq(aliases.modelId, modelId), eq(aliases.alias, alias)))
    .get();
}

/**
 * What an alias move is decided on, in ONE D1 round trip (a batch of three reads; issue 13): the
 * target version with its tags and aliases, the version the alias names now, the alias's active
 * rollout.
 */
export async function aliasMoveFacts(
  db: Db,
  modelId: string,
  alias: string,
  version: number,
): Promise<{ target: ViewRow | undefined; existing: number | null; rolloutId: string | null }> {
  const [targets, existing, active] = await db.batch([
    db
      .select(decisionColumns)
      .from(modelVersions)
      .where(and(eq(modelVersions.modelId, modelId), eq(modelVersions.version, version)))
      .limit(1),
    db
      .select({ version: aliases.version })
      .from(aliases)
      .where(and(eq(aliases.modelId, modelId), eq(aliases.alias, alias)))
      .limit(1),
    db
      .select({ id: rollouts.id })
      .from(rollouts)
      .where(and(eq(rollouts.modelId, modelId), eq(rollouts.alias, alias), eq(rollouts.status, "active")))
      .limit(1),
  ]);
  return {
    target: targets[0] as ViewRow | undefined,
    existing: existing[0]?.version ?? null,
    rolloutId: active[0]?.id ?? null,
  };
}

/**
 * A model's aliases with who moved each and when, by name, each with the ETag a GET of it would
 * answer (so a page can move it with If-Match), in one query.
 */
export async function listAliasRows(db: Db, modelId: string): Promise<(AliasRow & { etag: string })[]> {
  return withEtags(await aliasRowsQuery(db, modelId));
}

/**
 * listAliasRows as a query, so a page can batch it (decode with withEtags). The version's time is
 * a scalar subquery, not a join: a D1 batch maps rows by column name, and a join would bring two
 * `updated_at` columns.
 */
export function aliasRowsQuery(db: Db, modelId: string) {
  return db
    .select({
      alias: aliases,
      // Outer columns written qualified by hand: drizzle renders ${aliases.version} unqualified in a
      // single-table select, and `v.version = version` would compare the subquery's row with itself.
      versionUpdatedAt: sql<number | null>`(select v.updated_at from model_versions v
        where v.model_id = aliases.model_id and v.version = aliases.version)`.as("version_updated_at"),
    })
    .from(aliases)
    .where(eq(aliases.modelId, modelId))
    .orderBy(aliases.alias);
}

export function withEtags(rows: { alias: AliasRow; versionUpdatedAt: number | null }[]) {
  return rows.map((r) => ({
    ...r.alias,
    etag:
      r.versionUpdatedAt === null ? "" : aliasEtag(r.alias.version, r.versionUpdatedAt, r.alias.updatedAt),
  }));
}

export function upsertAlias(db: Db, row: AliasRow): Statement {
  return db
    .insert(aliases)
    .values(row)
    .onConflictDoUpdate({
      target: [aliases.modelId, aliases.alias],
      set: { version: row.version, updatedAt: row.updatedAt, updatedBy: row.updatedBy },
    });
}

export function deleteAlias(db: Db, modelId: string, alias: string): Statement {
  return db.delete(aliases).where(and(eq(aliases.modelId, modelId), eq(aliases.alias, alias)));
}

/**
 * Resolves an alias to a version number and the ETag pollers compare. `latest` is the highest
 * version, `production` the version in stage Production; both are computed, never stored.
 */
export async function resolveAlias(
  db: Db,
  modelId: string,
  alias: string,
): Promise<{ version: number; etag: string } | null> {
  const name = alias.toLowerCase();
  let target: { version: number; aliasUpdatedAt: number } | undefined;
  if (name === "latest" || name === "production") {
    const row = await db
      .select({ version: modelVersions.version })
      .from(modelVersions)
      .where(
        and(
          eq(modelVersions.modelId, modelId),
          name === "production" ? eq(modelVersions.stage, "Production") : undefined,
        ),
      )
      .orderBy(desc(modelVersions.version))
      .limit(1)
      .get();
    target = row ? { version: row.version, aliasUpdatedAt: 0 } : undefined;
  } else {
    const row = await findAlias(db, modelId, alias);
    target = row ? { version: row.version, aliasUpdatedAt: row.updatedAt } : undefined;
  }
  if (!target) return null;
  const version = await db
    .select({ updatedAt: modelVersions.updatedAt })
    .from(modelVersions)
    .where(and(eq(modelVersions.modelId, modelId), eq(modelVersions.version, target.version)))
    .get();
  if (!version) return null;
  return {
    version: target.version,
    etag: aliasEtag(target.version, version.updatedAt, target.aliasUpdatedAt),
  };
}

/**
 * The alias read path in ONE query (every query is a round trip to D1, and pollers call this every
 * few seconds): the model, the version the alias points at with its tags and aliases, and what the
 * ETag needs. Null when there is no such model; `version` null when the alias points at nothing.
 * Same meaning as `resolveAlias`: `latest` and `production` are computed, anything else stored.
 */
export async function readAliasView(
  db: Db,
  name: string,
  alias: string,
): Promise<{ modelId: string; version: ViewRow | null; etag: string | null } | null> {
  const modelId = sql.raw(`"models"."id"`);
  const row = await db
    .select({ ...viewColumns, modelRowId: models.id, aliasUpdatedAt: aliases.updatedAt })
    .from(models)
    // Virtual aliases never match a stored row (they are refused on write), so this join is empty for them.
    .leftJoin(aliases, and(eq(aliases.modelId, models.id), eq(aliases.alias, alias)))
    .leftJoin(
      modelVersions,
      and(
        eq(modelVersions.modelId, models.id),
        eq(modelVersions.version, expectedVersionSql(modelId, alias)),
      ),
    )
    .where(eq(models.name, name))
    .get();
  if (!row) return null;
  const { modelRowId, aliasUpdatedAt, ...version } = row;
  if (version.id === null) return { modelId: modelRowId, version: null, etag: null };
  const view = version as ViewRow;
  return {
    modelId: modelRowId,
    version: view,
    etag: aliasEtag(view.version, view.updatedAt, aliasUpdatedAt ?? 0),
  };
}
