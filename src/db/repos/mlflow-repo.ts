/**
 * Reads for the MLflow facade (src/routes/mlflow): records in the shape src/mlflow/shapes maps to
 * MLflow JSON, search compiled from the MLflow filter AST with bound parameters only, and the
 * statement builders for the two changes only MLflow asks for (delete a version; rename is a
 * `touchModel` patch). Lists are offset-paginated like MLflow's own `{"offset": N}` tokens.
 */
import { and, asc, desc, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Filter } from "../../domain/filter/ast";
import type { MlflowModelRecord, MlflowVersionRecord } from "../../mlflow/shapes";
import type { Db, Statement } from "../client";
import { aliases, models, modelTags, modelVersions, versionTags } from "../schema";
import { modelFilterSql, versionFilterSql } from "./filter-sql";
import { scopeCondition } from "./scope-filter";

const CHUNK = 90;
const chunks = <T>(items: T[]) =>
  Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, i) => items.slice(i * CHUNK, (i + 1) * CHUNK));

const versionColumns = {
  id: modelVersions.id,
  modelId: modelVersions.modelId,
  name: models.name,
  version: modelVersions.version,
  createdAt: modelVersions.createdAt,
  updatedAt: modelVersions.updatedAt,
  stage: modelVersions.stage,
  description: modelVersions.description,
  status: modelVersions.status,
  sourceUri: modelVersions.sourceUri,
  runId: modelVersions.runId,
  provenance: modelVersions.provenance,
  fileCount: sql<number>`json_array_length(${modelVersions.files})`,
};
type VersionSelect = Awaited<ReturnType<typeof selectVersions>>[number];

function selectVersions(db: Db, where: SQL | undefined) {
  return db
    .select(versionColumns)
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .where(where);
}

/** Tags in insertion order (rowid), as MLflow lists them. */
async function tagsOf(db: Db, table: "model" | "version", ids: string[]) {
  const out = new Map<string, [string, string][]>();
  for (const part of chunks(ids)) {
    const rows =
      table === "model"
        ? await db
            .select({ owner: modelTags.modelId, key: modelTags.key, value: modelTags.value })
            .from(modelTags)
            .where(inArray(modelTags.modelId, part))
            .orderBy(sql`rowid`)
            .all()
        : await db
            .select({ owner: versionTags.versionId, key: versionTags.key, value: versionTags.value })
            .from(versionTags)
            .where(inArray(versionTags.versionId, part))
            .orderBy(sql`rowid`)
            .all();
    for (const r of rows) out.set(r.owner, [...(out.get(r.owner) ?? []), [r.key, r.value]]);
  }
  return out;
}

async function aliasesOf(db: Db, modelIds: string[]) {
  const out = new Map<string, { alias: string; version: number }[]>();
  for (const part of chunks(modelIds)) {
    const rows = await db
      .select({ modelId: aliases.modelId, alias: aliases.alias, version: aliases.version })
      .from(aliases)
      .where(inArray(aliases.modelId, part))
      .orderBy(asc(aliases.alias))
      .all();
    for (const r of rows) out.set(r.modelId, [...(out.get(r.modelId) ?? []), r]);
  }
  return out;
}

async function hydrateVersions(db: Db, rows: VersionSelect[], withAliases: boolean) {
  const [tags, aliasMap] = await Promise.all([
    tagsOf(
      db,
      "version",
      rows.map((r) => r.id),
    ),
    withAliases ? aliasesOf(db, [...new Set(rows.map((r) => r.modelId))]) : new Map(),
  ]);
  return rows.map((r) =>
    toMlflowRecord(
      r,
      tags.get(r.id) ?? [],
      ((aliasMap.get(r.modelId) ?? []) as { alias: string; version: number }[])
        .filter((a) => a.version === r.version)
        .map((a) => a.alias),
    ),
  );
}

/** A selected version row (versionColumns) with its tags and aliases, as MLflow describes it. */
function toMlflowRecord(r: VersionSelect, tags: [string, string][], aliases: string[]): MlflowVersionRecord {
  return {
    name: r.name,
    version: r.version,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    stage: r.stage,
    description: r.description,
    source: r.sourceUri ?? "",
    runId: r.runId ?? "",
    runLink: r.provenance.run_link ?? "",
    status: r.status,
    tags,
    aliases,
    fileCount: Number(r.fileCount ?? 0),
  };
}

export async function readMlflowVersion(
  db: Db,
  name: string,
  version: number,
): Promise<MlflowVersionRecord | null> {
  // One query (issue 13: every MLflow write answers with this read): tags in insertion order and
  // aliases as JSON subselects, like readMlflowVersionByAlias.
  const row = await db
    .select({
      ...versionColumns,
      tagsJson: sql<string>`(select json_group_array(json_array(t.key, t.value)) from (select key, value from version_tags t where t.version_id = ${modelVersions.id} order by rowid) t)`,
      aliasesJson: sql<string>`(select json_group_array(x.alias) from (select alias from aliases x where x.model_id = ${modelVersions.modelId} and x.version = ${modelVersions.version} order by alias) x)`,
    })
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .where(and(eq(models.name, name), eq(modelVersions.version, version)))
    .get();
  if (!row) return null;
  return toMlflowRecord(
    row,
    JSON.parse(row.tagsJson) as [string, string][],
    JSON.parse(row.aliasesJson) as string[],
  );
}

/**
 * The polled read's query, built once per database binding: drizzle rebuilds the SQL of an ad-hoc
 * query on every call (about a tenth of the route's CPU, issue 13); a prepared one binds values.
 */
function versionByAliasQuery(db: Db) {
  return db
    .select({
      ...versionColumns,
      modelRowId: models.id,
      tagsJson: sql<string>`(select json_group_array(json_array(t.key, t.value)) from (select key, value from version_tags t where t.version_id = ${modelVersions.id} order by rowid) t)`,
      aliasesJson: sql<string>`(select json_group_array(x.alias) from (select alias from aliases x where x.model_id = ${modelVersions.modelId} and x.version = ${modelVersions.version} order by alias) x)`,
    })
    .from(models)
    .leftJoin(aliases, and(eq(aliases.modelId, models.id), eq(aliases.alias, sql.placeholder("alias"))))
    .leftJoin(
      modelVersions,
      and(eq(modelVersions.modelId, models.id), eq(modelVersions.version, aliases.version)),
    )
    .where(eq(models.name, sql.placeholder("name")))
    .prepare();
}
const versionByAlias = new WeakMap<Db, ReturnType<typeof versionByAliasQuery>>();

/**
 * MLflow's get-by-alias in ONE query (the polled read path): the model, the stored alias and the
 * version it points at with tags (insertion order) and aliases. `found` false means no such model;
 * `version` null means the alias is not set.
 */
export async function readMlflowVersionByAlias(
  db: Db,
  name: string,
  alias: string,
): Promise<{ version: MlflowVersionRecord | null } | null> {
  let query = versionByAlias.get(db);
  if (!query) {
    query = versionByAliasQuery(db);
    versionByAlias.set(db, query);
  }
  const row = await query.get({ name, alias });
  if (!row) return null;
  if (row.id === null) return { version: null };
  // A matched version row has every NOT NULL column set.
  const r = row as { [K in keyof typeof row]: NonNullable<(typeof row)[K]> };
  return {
    version: toMlflowRecord(
      r,
      JSON.parse(r.tagsJson) as [string, string][],
      JSON.parse(r.aliasesJson) as string[],
    ),
  };
}

/** The newest version of each stage (all stages when `stages` is empty), ordered by version. */
export async function latestMlflowVersions(
  db: Db,
  modelIds: string[],
  stages: string[],
): Promise<MlflowVersionRecord[]> {
  const rows: VersionSelect[] = [];
  for (const part of chunks(modelIds)) {
    const newest = sql`${modelVersions.version} = (select max(v2.version) from model_versions v2 where v2.model_id = ${modelVersions.modelId} and v2.stage = ${modelVersions.stage})`;
    const stageFilter = stages.length > 0 ? inArray(modelVersions.stage, stages as never[]) : undefined;
    rows.push(
      ...(await selectVersions(db, and(inArray(modelVersions.modelId, part), stageFilter, newest))
        .orderBy(asc(models.name), asc(modelVersions.version))
        .all()),
    );
  }
  return hydrateVersions(db, rows, false);
}

const modelColumns = {
  id: models.id,
  name: models.name,
  description: models.description,
  createdAt: models.createdAt,
  updatedAt: models.updatedAt,
};

async function hydrateModels(
  db: Db,
  rows: { id: string; name: string; description: string; createdAt: number; updatedAt: number }[],
) {
  const ids = rows.map((r) => r.id);
  // Independent reads: let D1 run them concurrently.
  const [tags, aliasMap, latest] = await Promise.all([
    tagsOf(db, "model", ids),
    aliasesOf(db, ids),
    latestMlflowVersions(db, ids, []),
  ]);
  return rows.map(
    (r): MlflowModelRecord => ({
      name: r.name,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      description: r.description,
      tags: tags.get(r.id) ?? [],
      aliases: aliasMap.get(r.id) ?? [],
      latest: latest.filter((v) => v.name === r.name),
    }),
  );
}

export async function readMlflowModel(db: Db, name: string): Promise<MlflowModelRecord | null> {
  const rows = await db.select(modelColumns).from(models).where(eq(models.name, name)).all();
  return (await hydrateModels(db, rows))[0] ?? null;
}

// ---- search ----

export interface SearchOptions {
  filter: Filter;
  /** Validated `[column key, descending]` pairs (see src/mlflow/order-by). */
  order: [string, boolean][];
  offset: number;
  limit: number;
  scopes: string[] | null;
}

const direction = (descending: boolean) => (descending ? desc : asc);

export async function searchMlflowModels(db: Db, o: SearchOptions): Promise<MlflowModelRecord[]> {
  const columns: Record<string, SQLiteColumn> = {
    name: models.name,
    last_updated_timestamp: models.updatedAt,
    creation_timestamp: models.createdAt,
  };
  const orderBy = o.order.map(([key, d]) => direction(d)(columns[key] ?? models.name));
  const rows = await db
    .select(modelColumns)
    .from(models)
    .where(and(scopeCondition(models.name, o.scopes), modelFilterSql(o.filter)))
    .orderBy(...orderBy, asc(models.name))
    .limit(o.limit)
    .offset(o.offset)
    .all();
  return hydrateModels(db, rows);
}

/**
 * One MLflow ModelVersion (as `toModelVersion(v, false)` shapes it: no aliases in lists) built by
 * SQLite itself, keys in MLflow's order, tags in insertion order (rowid). Issue 13: a search page of
 * 250 versions used to be 1 query + one tags query per 90 rows (run one after another), then a JS
 * record and a JS object per row; now it is ONE query whose rows the handler only joins.
 * MLflow leaves `tags` out when there are none: the one text `,"tags":[],"run_link":` is cut
 * (inside a JSON string every `"` is escaped, so no value can contain it).
 */
const mlflowVersionJson = sql`replace(json_object('name', ${models.name}, 'version', cast(${modelVersions.version} as text), 'creation_timestamp', ${modelVersions.createdAt}, 'last_updated_timestamp', ${modelVersions.updatedAt}, 'current_stage', ${modelVersions.stage}, 'description', ${modelVersions.description}, 'source', coalesce(${modelVersions.sourceUri}, ''), 'run_id', coalesce(${modelVersions.runId}, ''), 'status', ${modelVersions.status}, 'tags', json((select json_group_array(json_object('key', t.key, 'value', t.value)) from (select key, value from version_tags t where t.version_id = ${modelVersions.id} order by rowid) t)), 'run_link', coalesce(json_extract(${modelVersions.provenance}, '$.run_link'), '')), ',"tags":[],"run_link":', ',"run_link":')`;

/**
 * A page of MLflow's search_model_versions as JSON texts, one per version, in order (limit rows at
 * most; ask for one more to learn whether a next page exists). Two steps, like the native search
 * (search-repo): the inner query filters, sorts and pages ids only, the outer builds JSON for the
 * page alone, so no row outside the page is ever serialised.
 */
export async function searchMlflowVersionsJson(db: Db, o: SearchOptions): Promise<string[]> {
  const columns: Record<string, SQLiteColumn> = {
    name: models.name,
    version_number: modelVersions.version,
    creation_timestamp: modelVersions.createdAt,
    last_updated_timestamp: modelVersions.updatedAt,
  };
  const orderBy = o.order.map(([key, d]) => direction(d)(columns[key] ?? models.name));
  const sortColumns = Object.fromEntries(
    o.order.map(([key], i) => [`s${i}`, sql`${columns[key] ?? models.name}`.as(`sort_${i}`)]),
  );
  const page = db
    .select({
      pageId: sql<string>`${modelVersions.id}`.as("page_id"),
      pageName: sql<string>`${models.name}`.as("page_name"),
      pageVersion: sql<number>`${modelVersions.version}`.as("page_version"),
      ...sortColumns,
    })
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .where(and(scopeCondition(models.name, o.scopes), versionFilterSql(o.filter)))
    .orderBy(...orderBy, asc(models.name), desc(modelVersions.version))
    .limit(o.limit)
    .offset(o.offset)
    .as("page");
  // The outer ORDER BY repeats the inner one on the page's own columns (a subquery's order is not
  // guaranteed to survive the join).
  const pageOrder = o.order.map(
    ([, d], i) => sql`${sql.raw(`"page"."sort_${i}"`)} ${sql.raw(d ? "desc" : "asc")}`,
  );
  const rows = await db
    .select({
      j: sql<string>`${mlflowVersionJson}`,
    })
    .from(page)
    .innerJoin(modelVersions, eq(modelVersions.id, page.pageId))
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .orderBy(...pageOrder, sql`"page"."page_name" asc`, sql`"page"."page_version" desc`)
    .all();
  return rows.map((r) => r.j);
}

// ---- statement builders for the ModelLedger (the only writer) ----

/** Removes one version, its tags and the aliases pointing at it; `models.last_version` is untouched. */
export function deleteVersionCascade(
  db: Db,
  modelId: string,
  versionId: string,
  version: number,
): Statement[] {
  return [
    db.delete(versionTags).where(eq(versionTags.versionId, versionId)),
    db.delete(aliases).where(and(eq(aliases.modelId, modelId), eq(aliases.version, version))),
    db.delete(modelVersions).where(eq(modelVersions.id, versionId)),
  ];
}

/** Version numbers of a model currently in `stage` (for `archive_existing_versions`). */
export async function versionsInStage(db: Db, modelId: string, stage: string): Promise<number[]> {
  const rows = await db
    .select({ version: modelVersions.version })
    .from(modelVersions)
    .where(and(eq(modelVersions.modelId, modelId), eq(modelVersions.stage, stage as "None")))
    .all();
  return rows.map((r) => r.version);
}

/**
 * Facts a rename must weigh: does the model serve (a Production version) or carry a protected alias?
 * Serving nodes resolve it by name, so renaming such a model needs the approver role.
 */
export async function renameRisk(
  db: Db,
  modelId: string,
  protectedAliases: string[],
): Promise<{ production: boolean; protectedAliases: string[] }> {
  const production = await db
    .select({ version: modelVersions.version })
    .from(modelVersions)
    .where(and(eq(modelVersions.modelId, modelId), eq(modelVersions.stage, "Production")))
    .get();
  const set =
    protectedAliases.length === 0
      ? []
      : await db
          .select({ alias: aliases.alias })
          .from(aliases)
          .where(and(eq(aliases.modelId, modelId), inArray(aliases.alias, protectedAliases)))
          .all();
  return { production: production !== undefined, protectedAliases: set.map((r) => r.alias) };
}

/** Lineage is recorded by parent name: after a rename, children (in any model) point at the new one. */
export function renameParentLinks(db: Db, oldName: string, newName: string): Statement {
  return db.update(modelVersions).set({ parentModel: newName }).where(eq(modelVersions.parentModel, oldName));
}
