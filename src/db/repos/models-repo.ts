/** Registered models: reads for the HTTP layer, statement builders for the ledger. */
import { and, asc, desc, eq, gt, lt, or, type SQL, sql } from "drizzle-orm";
import type { Filter } from "../../domain/filter/ast";
import { cutPage, decodePageToken } from "../../lib/page-token";
import type { ModelOrder, ModelView } from "../../schemas/models";
import { chunkRows, type Db, iso, type Statement } from "../client";
import {
  aliases,
  approvalRequests,
  approvals,
  deployments,
  models,
  modelTags,
  modelVersions,
  policies,
  retentionPolicies,
  versionTags,
} from "../schema";
import { deleteModelIndexes } from "./discovery-index-repo";
import { modelFilterSql } from "./filter-sql";
import { scopeCondition } from "./scope-filter";

export type ModelRow = typeof models.$inferSelect;

// Subqueries name the outer row as `models.id` explicitly: drizzle renders a column inside a
// single-table select unqualified, which an inner table with the same column name would capture.
const viewColumns = {
  id: models.id,
  name: models.name,
  description: models.description,
  owner: models.owner,
  createdAt: models.createdAt,
  updatedAt: models.updatedAt,
  tags: sql<string>`(select json_group_object(t.key, t.value) from model_tags t where t.model_id = models.id)`,
  aliases: sql<string>`(select json_group_object(a.alias, a.version) from aliases a where a.model_id = models.id)`,
  latestVersion: sql<
    number | null
  >`(select max(v.version) from model_versions v where v.model_id = models.id)`,
  productionVersion: sql<
    number | null
  >`(select v.version from model_versions v where v.model_id = models.id and v.stage = 'Production' limit 1)`,
};

type ViewRow = { [K in keyof typeof viewColumns]: K extends "tags" | "aliases" ? string : unknown } & {
  name: string;
  description: string;
  owner: string;
  createdAt: number;
  updatedAt: number;
  latestVersion: number | null;
  productionVersion: number | null;
};

function toModelView(row: ViewRow): ModelView {
  return {
    name: row.name,
    description: row.description,
    owner: row.owner,
    tags: JSON.parse(row.tags),
    aliases: JSON.parse(row.aliases),
    latest_version: row.latestVersion,
    production_version: row.productionVersion,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}

export async function findModelRow(db: Db, name: string): Promise<ModelRow | undefined> {
  return db.select().from(models).where(eq(models.name, name)).get();
}

export async function readModelView(db: Db, name: string): Promise<ModelView | null> {
  const row = await db.select(viewColumns).from(models).where(eq(models.name, name)).get();
  return row ? toModelView(row as ViewRow) : null;
}

export interface ListModelsOptions {
  scopes: string[] | null;
  /** Parsed `filter` (name, tags.<key>, created_at, updated_at); compiled to bound parameters. */
  filter?: Filter;
  order: ModelOrder;
  pageSize: number;
  pageToken: string | undefined;
  /** Console facets (issue 14): models with a version in this stage / carrying this tag. */
  stage?: string | undefined;
  tag?: { key: string; value: string } | undefined;
}

export async function listModels(db: Db, opts: ListModelsOptions) {
  const cursor = decodePageToken(opts.pageToken, opts.order);
  const byUpdate = opts.order.startsWith("updated_at");
  const ascending = opts.order.endsWith("ASC");
  let after: SQL | undefined;
  if (cursor && byUpdate) {
    const k = Number(cursor.k);
    after = or(
      ascending ? gt(models.updatedAt, k) : lt(models.updatedAt, k),
      and(eq(models.updatedAt, k), gt(models.name, cursor.n)),
    );
  } else if (cursor) {
    after = ascending ? gt(models.name, cursor.n) : lt(models.name, cursor.n);
  }
  const direction = ascending ? asc : desc;
  const orderBy = byUpdate ? [direction(models.updatedAt), asc(models.name)] : [direction(models.name)];
  const rows = (await db
    .select(viewColumns)
    .from(models)
    .where(
      and(
        scopeCondition(models.name, opts.scopes),
        opts.filter && modelFilterSql(opts.filter),
        opts.stage
          ? sql`exists (select 1 from model_versions v where v.model_id = models.id and v.stage = ${opts.stage})`
          : undefined,
        opts.tag
          ? sql`exists (select 1 from model_tags t where t.model_id = models.id and t.key = ${opts.tag.key} and t.value = ${opts.tag.value})`
          : undefined,
        after,
      ),
    )
    .orderBy(...orderBy)
    .limit(opts.pageSize + 1)
    .all()) as ViewRow[];
  const { page, next } = cutPage(rows, opts.pageSize, (last) => ({
    o: opts.order,
    k: byUpdate ? last.updatedAt : last.name,
    n: last.name,
  }));
  return { items: page.map(toModelView), next_page_token: next };
}

/** The most used model tags among the models a caller can see, for the catalogue's facets. */
export async function tagFacets(db: Db, scopes: string[] | null, limit: number) {
  return db
    .select({ key: modelTags.key, value: modelTags.value, count: sql<number>`count(*)` })
    .from(modelTags)
    .innerJoin(models, eq(models.id, modelTags.modelId))
    .where(scopeCondition(models.name, scopes))
    .groupBy(modelTags.key, modelTags.value)
    .orderBy(desc(sql`count(*)`), asc(modelTags.key), asc(modelTags.value))
    .limit(limit)
    .all();
}

// ---- statement builders for the ModelLedger (the only writer) ----

export function insertModel(
  db: Db,
  row: typeof models.$inferInsert,
  tags: Record<string, string>,
): Statement[] {
  return [db.insert(models).values(row), ...upsertModelTags(db, row.id, tags)];
}

export function upsertModelTags(db: Db, modelId: string, tags: Record<string, string>): Statement[] {
  const rows = Object.entries(tags).map(([key, value]) => ({ modelId, key, value }));
  return chunkRows(rows, 3).map((chunk) =>
    db
      .insert(modelTags)
      .values(chunk)
      .onConflictDoUpdate({
        target: [modelTags.modelId, modelTags.key],
        set: { value: sql`excluded.value` },
      }),
  );
}

export function deleteModelTag(db: Db, modelId: string, key: string): Statement {
  return db.delete(modelTags).where(and(eq(modelTags.modelId, modelId), eq(modelTags.key, key)));
}

export function touchModel(db: Db, modelId: string, now: number, patch: Partial<ModelRow> = {}): Statement {
  return db
    .update(models)
    .set({ ...patch, updatedAt: now })
    .where(eq(models.id, modelId));
}

/** Removes a model and everything it owns; its audit chain and events stay. */
export function deleteModelCascade(db: Db, modelId: string): Statement[] {
  const versionIds = db
    .select({ id: modelVersions.id })
    .from(modelVersions)
    .where(eq(modelVersions.modelId, modelId));
  const requestIds = db
    .select({ id: approvalRequests.id })
    .from(approvalRequests)
    .where(eq(approvalRequests.modelId, modelId));
  return [
    ...deleteModelIndexes(db, modelId),
    // Governance, serving and retention records hang off the model id; they go with it.
    db.delete(approvals).where(sql`${approvals.requestId} in ${requestIds}`),
    db.delete(approvalRequests).where(eq(approvalRequests.modelId, modelId)),
    db.delete(policies).where(eq(policies.modelId, modelId)),
    db.delete(retentionPolicies).where(eq(retentionPolicies.modelId, modelId)),
    db.delete(deployments).where(eq(deployments.modelId, modelId)),
    db.delete(versionTags).where(sql`${versionTags.versionId} in ${versionIds}`),
    db.delete(modelVersions).where(eq(modelVersions.modelId, modelId)),
    db.delete(aliases).where(eq(aliases.modelId, modelId)),
    db.delete(modelTags).where(eq(modelTags.modelId, modelId)),
    db.delete(models).where(eq(models.id, modelId)),
  ];
}
