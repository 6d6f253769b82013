/** Model versions: reads for the HTTP layer, statement builders for the ledger. */
import { and, desc, eq, getTableColumns, lt, sql } from "drizzle-orm";
import { cutPage, decodePageToken } from "../../lib/page-token";
import type { VersionView } from "../../schemas/versions";
import { chunkRows, type Db, iso, type Statement } from "../client";
import { models, modelVersions, versionTags } from "../schema";

export type VersionRow = typeof modelVersions.$inferSelect;

// Outer columns are written qualified on purpose (see models-repo): `a.version = version` would
// silently compare the alias table with itself.
export const viewColumns = {
  ...getTableColumns(modelVersions),
  tags: sql<string>`(select json_group_object(t.key, t.value) from version_tags t where t.version_id = model_versions.id)`,
  aliases: sql<string>`(select json_group_array(a.alias) from (select alias from aliases a where a.model_id = model_versions.model_id and a.version = model_versions.version order by alias) a)`,
};

export type ViewRow = VersionRow & { tags: string; aliases: string };

/**
 * The view columns with tags in insertion order (issue 13): what a ledger change decides on and
 * answers from, so the MLflow facade can answer a write from the ledger's result in MLflow's tag
 * order instead of reading the version back. Same JSON object, keys in another order.
 */
export const decisionColumns = {
  ...viewColumns,
  tags: sql<string>`(select json_group_object(x.key, x.value) from (select t.key, t.value from version_tags t where t.version_id = model_versions.id order by t.rowid) x)`,
};

export function toVersionView(modelName: string, row: ViewRow): VersionView {
  return {
    name: modelName,
    version: row.version,
    description: row.description,
    stage: row.stage,
    status: row.status,
    tags: JSON.parse(row.tags),
    aliases: JSON.parse(row.aliases),
    params: row.params,
    metrics: row.metrics,
    slices: row.slices,
    datasets: row.datasets,
    source: row.provenance,
    parent:
      row.parentModel && row.parentVersion != null
        ? { model: row.parentModel, version: row.parentVersion }
        : null,
    signature: row.signature ?? null,
    model_card: row.modelCard ?? null,
    files: row.files,
    manifest_digest: row.manifestDigest,
    total_size: row.totalSize,
    created_by: row.createdBy,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
    needs_review: row.needsReview,
    ...(row.inputExample != null ? { input_example: row.inputExample } : {}),
  };
}

export async function readVersionView(
  db: Db,
  model: { id: string; name: string },
  version: number,
): Promise<VersionView | null> {
  const row = await db
    .select(viewColumns)
    .from(modelVersions)
    .where(and(eq(modelVersions.modelId, model.id), eq(modelVersions.version, version)))
    .get();
  return row ? toVersionView(model.name, row as ViewRow) : null;
}

/**
 * A version row with its tags and aliases (JSON) in one query: what a ledger change decides on and,
 * patched with what it wrote, answers with (`viewAfter`), instead of reading it back after commit.
 */
export async function findVersionViewRow(
  db: Db,
  modelId: string,
  version: number,
): Promise<ViewRow | undefined> {
  return (await db
    .select(decisionColumns)
    .from(modelVersions)
    .where(and(eq(modelVersions.modelId, modelId), eq(modelVersions.version, version)))
    .get()) as ViewRow | undefined;
}

/**
 * The view of a version after a change patched its row, built from the row read before the change
 * (`findVersionViewRow`) when it carries tags and aliases; null for a plain row (read it back).
 */
export function viewAfter(
  modelName: string,
  row: VersionRow,
  patch: Partial<VersionRow> & { addAlias?: string },
): VersionView | null {
  if (!("tags" in row) || !("aliases" in row)) return null;
  const { addAlias, ...fields } = patch;
  const viewRow = { ...(row as ViewRow), ...fields };
  if (addAlias !== undefined) {
    const aliases = new Set(JSON.parse(viewRow.aliases) as string[]).add(addAlias);
    // Same order as the read's `order by alias` (SQLite's binary collation = code unit order).
    viewRow.aliases = JSON.stringify([...aliases].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  }
  return toVersionView(modelName, viewRow);
}

/**
 * A model row and one of its versions (as the API renders it, plus the row id) in one round trip,
 * for pages that need both: `version` is null when the model exists but the version does not.
 */
export async function readModelAndVersion(
  db: Db,
  name: string,
  version: number,
): Promise<{ model: typeof models.$inferSelect; version: { view: VersionView; id: string } | null } | null> {
  const row = await db
    .select({ model: models, version: viewColumns })
    .from(models)
    .leftJoin(modelVersions, and(eq(modelVersions.modelId, models.id), eq(modelVersions.version, version)))
    .where(eq(models.name, name))
    .get();
  if (!row) return null;
  const v = row.version as ViewRow | null;
  // A left join without a match still yields the json subqueries' '[]'/'{}': the id tells.
  if (!v?.id) return { model: row.model, version: null };
  return { model: row.model, version: { view: toVersionView(name, v), id: v.id } };
}

export async function findVersionRow(
  db: Db,
  modelId: string,
  version: number,
): Promise<VersionRow | undefined> {
  return db
    .select()
    .from(modelVersions)
    .where(and(eq(modelVersions.modelId, modelId), eq(modelVersions.version, version)))
    .get();
}

/** Versions of one model, newest first, keyset-paginated on the version number. */
export async function listVersions(
  db: Db,
  model: { id: string; name: string },
  pageSize: number,
  pageToken: string | undefined,
) {
  const order = "version DESC";
  const cursor = decodePageToken(pageToken, order);
  const rows = (await db
    .select(viewColumns)
    .from(modelVersions)
    .where(
      and(
        eq(modelVersions.modelId, model.id),
        cursor ? lt(modelVersions.version, Number(cursor.k)) : undefined,
      ),
    )
    .orderBy(desc(modelVersions.version))
    .limit(pageSize + 1)
    .all()) as ViewRow[];
  const { page, next } = cutPage(rows, pageSize, (last) => ({ o: order, k: last.version, n: model.name }));
  return { items: page.map((row) => toVersionView(model.name, row)), next_page_token: next };
}

// ---- statement builders for the ModelLedger (the only writer) ----

export function insertVersion(
  db: Db,
  row: typeof modelVersions.$inferInsert,
  tags: Record<string, string>,
): Statement[] {
  return [db.insert(modelVersions).values(row), ...upsertVersionTags(db, row.id, tags)];
}

export function upsertVersionTags(db: Db, versionId: string, tags: Record<string, string>): Statement[] {
  const rows = Object.entries(tags).map(([key, value]) => ({ versionId, key, value }));
  return chunkRows(rows, 3).map((chunk) =>
    db
      .insert(versionTags)
      .values(chunk)
      .onConflictDoUpdate({
        target: [versionTags.versionId, versionTags.key],
        set: { value: sql`excluded.value` },
      }),
  );
}

export function deleteVersionTag(db: Db, versionId: string, key: string): Statement {
  return db.delete(versionTags).where(and(eq(versionTags.versionId, versionId), eq(versionTags.key, key)));
}

export function updateVersion(db: Db, versionId: string, patch: Partial<VersionRow>): Statement {
  return db.update(modelVersions).set(patch).where(eq(modelVersions.id, versionId));
}
