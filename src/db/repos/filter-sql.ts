/**
 * Compiles a parsed filter (src/domain/filter) to drizzle SQL. Every value becomes a bound
 * parameter; keys only select among fixed columns and tables, so no user text reaches the SQL.
 * Metric, param, tag and dataset terms are `id IN (subquery on an indexed table)`, which lets SQLite
 * start from the (name, value) index instead of scanning every version.
 */
import { and, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Comparison, Filter, Op, OrderBy, Value } from "../../domain/filter/ast";
import { likeToGlob } from "../../domain/filter/like";
import {
  aliases,
  models,
  modelTags,
  modelVersions,
  versionDatasets,
  versionMetrics,
  versionParams,
  versionTags,
} from "../schema";

const SQL_OPS: Record<Exclude<Op, "LIKE" | "ILIKE" | "IN" | "NOT IN">, SQL> = {
  "=": sql.raw("="),
  "!=": sql.raw("!="),
  "<": sql.raw("<"),
  "<=": sql.raw("<="),
  ">": sql.raw(">"),
  ">=": sql.raw(">="),
};

/**
 * `column op value` with the value bound. LIKE is case-sensitive in MLflow, so it becomes GLOB
 * (which can also use an index for a fixed prefix); ILIKE is SQLite's case-insensitive LIKE.
 */
export function compare(column: SQL | SQLiteColumn, op: Op, value: Value): SQL {
  if (value.kind === "list") {
    const list = sql.join(
      value.values.map((v) => sql`${v}`),
      sql`, `,
    );
    return op === "NOT IN" ? sql`${column} NOT IN (${list})` : sql`${column} IN (${list})`;
  }
  if (op === "LIKE") return sql`${column} GLOB ${likeToGlob(String(value.value))}`;
  if (op === "ILIKE") return sql`${column} LIKE ${String(value.value)}`;
  if (op === "IN" || op === "NOT IN") throw new Error("IN needs a list (the parser guarantees it)");
  return sql`${column} ${SQL_OPS[op]} ${value.value}`;
}

function versionCondition(c: Comparison): SQL {
  const { term, op, value } = c;
  switch (term.kind) {
    case "attribute":
      switch (term.name) {
        case "name":
          return compare(models.name, op, value);
        case "run_id":
          return compare(modelVersions.runId, op, value);
        case "version_number":
          return compare(modelVersions.version, op, value);
        case "stage":
          return compare(modelVersions.stage, op, value);
        case "status":
          return compare(modelVersions.status, op, value);
        case "created_by":
          return compare(modelVersions.createdBy, op, value);
        case "created_at":
          return compare(modelVersions.createdAt, op, value);
        case "updated_at":
          return compare(modelVersions.updatedAt, op, value);
        case "alias":
          return sql`exists (select 1 from ${aliases} where ${aliases.modelId} = ${modelVersions.modelId} and ${aliases.version} = ${modelVersions.version} and ${compare(aliases.alias, op, value)})`;
      }
      break;
    case "tag":
      return sql`${modelVersions.id} in (select ${versionTags.versionId} from ${versionTags} where ${versionTags.key} = ${term.key} and ${compare(versionTags.value, op, value)})`;
    case "param":
      return sql`${modelVersions.id} in (select ${versionParams.versionId} from ${versionParams} where ${versionParams.key} = ${term.key} and ${compare(versionParams.value, op, value)})`;
    case "metric":
      return sql`${modelVersions.id} in (select ${versionMetrics.versionId} from ${versionMetrics} where ${versionMetrics.name} = ${term.name} and ${versionMetrics.slice} = '' and ${compare(versionMetrics.value, op, value)})`;
    case "dataset": {
      const column = {
        digest: versionDatasets.digest,
        uri: versionDatasets.uri,
        version: versionDatasets.version,
        role: versionDatasets.role,
      }[term.field];
      return sql`${modelVersions.id} in (select ${versionDatasets.versionId} from ${versionDatasets} where ${compare(column, op, value)})`;
    }
  }
  throw new Error("unreachable: the parser only produces known terms");
}

function modelCondition(c: Comparison): SQL {
  const { term, op, value } = c;
  if (term.kind === "tag") {
    return sql`${models.id} in (select ${modelTags.modelId} from ${modelTags} where ${modelTags.key} = ${term.key} and ${compare(modelTags.value, op, value)})`;
  }
  if (term.kind === "attribute" && term.name === "name") return compare(models.name, op, value);
  if (term.kind === "attribute" && term.name === "created_at") return compare(models.createdAt, op, value);
  if (term.kind === "attribute" && term.name === "updated_at") return compare(models.updatedAt, op, value);
  throw new Error("unreachable: the parser only allows model keys for models");
}

/** WHERE condition for a search over model_versions joined with models (undefined = no filter). */
export function versionFilterSql(filter: Filter): SQL | undefined {
  return and(...filter.comparisons.map(versionCondition));
}

/** WHERE condition for a search over models (undefined = no filter). */
export function modelFilterSql(filter: Filter): SQL | undefined {
  return and(...filter.comparisons.map(modelCondition));
}

/** ORDER BY terms; a missing metric sorts last in either direction. Ties: name, then version descending. */
export function versionOrderSql(orders: OrderBy[]): SQL[] {
  const terms = orders.map(({ key, descending }) => {
    const dir = sql.raw(descending ? "desc" : "asc");
    if (key.kind === "metric") {
      return sql`(select ${versionMetrics.value} from ${versionMetrics} where ${versionMetrics.versionId} = ${modelVersions.id} and ${versionMetrics.slice} = '' and ${versionMetrics.name} = ${key.name}) ${dir} nulls last`;
    }
    const column = {
      name: models.name,
      version_number: modelVersions.version,
      created_at: modelVersions.createdAt,
      updated_at: modelVersions.updatedAt,
    }[key.name];
    return sql`${column} ${dir}`;
  });
  return [...terms, sql`${models.name} asc`, sql`${modelVersions.version} desc`];
}
