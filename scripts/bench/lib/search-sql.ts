// Bundled by scripts/bench/search.mjs (esbuild) so the benchmark's SQLite baseline runs exactly the
// SQL the registry compiles for a filter, a lineage walk or a dataset lookup. Never deployed.
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import { createDb } from "../../../src/db/client";
import { datasetUsageQuery, walkVersionsSql } from "../../../src/db/repos/lineage-repo";
import { searchVersionsQuery } from "../../../src/db/repos/search-repo";
import { parseFilter, parseOrderBy } from "../../../src/domain/filter/parser";

// Building a query never touches the binding; only running it would.
const db = createDb({} as D1Database);
const dialect = new SQLiteSyncDialect();

export function searchSql(filter: string, orderBy: string, pageSize: number) {
  const opts = {
    filter: parseFilter(filter, "versions"),
    orderBy: parseOrderBy(orderBy, "versions"),
    scopes: null,
    pageSize,
  };
  return searchVersionsQuery(db, opts).toSQL();
}

export function lineageSql(rootId: string, direction: "upstream" | "downstream", depth: number) {
  return dialect.sqlToQuery(walkVersionsSql(rootId, direction, depth + 1));
}

export function datasetSql(key: DatasetKey, stage: "Production" | undefined, pageSize: number) {
  return datasetUsageQuery(db, key, { scopes: null, stage, limit: pageSize + 1, offset: 0 }).toSQL();
}
