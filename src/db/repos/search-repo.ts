/**
 * Search across models: `GET /model-versions?filter=&order_by=`. Offset page tokens (bound to the
 * order and a fingerprint of the filter) because arbitrary orders such as `metrics.auc DESC` have
 * no cheap keyset; page sizes are capped, so an offset page costs at most one index walk.
 */
import { and, eq, type SQL, sql } from "drizzle-orm";
import type { Filter, OrderBy } from "../../domain/filter/ast";
import { decodePageToken, encodePageToken } from "../../lib/page-token";
import type { VersionView } from "../../schemas/versions";
import type { Db } from "../client";
import { models, modelVersions } from "../schema";
import { orderTerm, TIE_BREAKERS, versionFilterSql, versionOrder } from "./filter-sql";
import { scopeCondition } from "./scope-filter";
import { toVersionView, type ViewRow, viewColumns } from "./versions-repo";

export interface SearchOptions {
  filter: Filter;
  orderBy: OrderBy[];
  /** The raw filter and order_by text: page tokens are only valid for the same query. */
  queryKey: string;
  scopes: string[] | null;
  pageSize: number;
  pageToken: string | undefined;
}

/** FNV-1a: a short fingerprint of the query text (not a security measure; tokens are not secrets). */
function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(36);
}

/**
 * The query itself, unexecuted, so tests and the benchmark can read its SQL and parameters.
 * Two steps: the inner query finds and orders matching ids only; the outer one builds the full
 * version view (tags, aliases subqueries) for the page alone. SQLite would otherwise compute the
 * view for every match before sorting. A subquery with LIMIT under a join is never flattened.
 */
export function searchVersionsQuery(db: Db, opts: Omit<SearchOptions, "queryKey" | "pageToken">, offset = 0) {
  const where: (SQL | undefined)[] = [
    versionFilterSql(opts.filter),
    scopeCondition(models.name, opts.scopes),
  ];
  const order = versionOrder(opts.orderBy, opts.filter);
  const sortColumns = Object.fromEntries(order.keys.map((k, i) => [`s${i}`, sql`${k.expr}`.as(`sort_${i}`)]));
  let inner = db
    .select({ pageId: sql<string>`${modelVersions.id}`.as("page_id"), ...sortColumns })
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .$dynamic();
  for (const join of order.joins) {
    inner = join.inner ? inner.innerJoin(join.table, join.on) : inner.leftJoin(join.table, join.on);
  }
  const page = inner
    .where(and(...where))
    .orderBy(...order.keys.map((k) => orderTerm(k.expr, k.descending)), ...TIE_BREAKERS)
    .limit(opts.pageSize + 1)
    .offset(offset)
    .as("page");
  const pageSorts = order.keys.map((k, i) => orderTerm(sql.raw(`"page"."sort_${i}"`), k.descending));
  return db
    .select({ ...viewColumns, modelName: models.name })
    .from(page)
    .innerJoin(modelVersions, eq(modelVersions.id, page.pageId))
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .orderBy(...pageSorts, ...TIE_BREAKERS);
}

export async function searchVersions(
  db: Db,
  opts: SearchOptions,
): Promise<{ items: VersionView[]; next_page_token: string | null }> {
  const o = `search:${fingerprint(opts.queryKey)}`;
  const cursor = decodePageToken(opts.pageToken, o);
  const offset = cursor ? Number(cursor.k) : 0;
  const rows = (await searchVersionsQuery(db, opts, offset).all()) as (ViewRow & { modelName: string })[];
  const page = rows.slice(0, opts.pageSize);
  return {
    items: page.map((row) => toVersionView(row.modelName, row)),
    next_page_token:
      rows.length > opts.pageSize ? encodePageToken({ o, k: offset + opts.pageSize, n: "" }) : null,
  };
}
