/**
 * Search across models: `GET /model-versions?filter=&order_by=`. Offset page tokens (bound to the
 * order and a fingerprint of the filter) because arbitrary orders such as `metrics.auc DESC` have
 * no cheap keyset; page sizes are capped, so an offset page costs at most one index walk.
 */
import { and, eq, type SQL } from "drizzle-orm";
import type { Filter, OrderBy } from "../../domain/filter/ast";
import { decodePageToken, encodePageToken } from "../../lib/page-token";
import type { VersionView } from "../../schemas/versions";
import type { Db } from "../client";
import { models, modelVersions } from "../schema";
import { versionFilterSql, versionOrderSql } from "./filter-sql";
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

/** The query itself, unexecuted, so tests and the benchmark can read its SQL and parameters. */
export function searchVersionsQuery(db: Db, opts: Omit<SearchOptions, "queryKey" | "pageToken">, offset = 0) {
  const where: (SQL | undefined)[] = [
    versionFilterSql(opts.filter),
    scopeCondition(models.name, opts.scopes),
  ];
  return db
    .select({ ...viewColumns, modelName: models.name })
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .where(and(...where))
    .orderBy(...versionOrderSql(opts.orderBy))
    .limit(opts.pageSize + 1)
    .offset(offset);
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
