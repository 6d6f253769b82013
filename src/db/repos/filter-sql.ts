/**
 * Compiles a parsed filter (src/domain/filter) to drizzle SQL. Every value becomes a bound
 * parameter; keys only select among fixed columns and tables, so no user text reaches the SQL.
 * Metric, param, tag and dataset terms read the 0005 index tables: the driving one (see
 * domain/filter/plan.ts) as `id IN (subquery)`, so SQLite starts from its (name, value) index, the
 * others as correlated EXISTS probes.
 */
import { and, type SQL, sql } from "drizzle-orm";
import { alias, type SQLiteColumn, type SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Comparison, Filter, Op, OrderBy, Value } from "../../domain/filter/ast";
import { likeToGlob } from "../../domain/filter/like";
import { drivingComparison } from "../../domain/filter/plan";
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

function versionCondition(c: Comparison, drive: boolean): SQL {
  const { term, op, value } = c;
  switch (term.kind) {
    case "attribute":
      switch (term.name) {
        case "name":
          return compare(models.name, op, value);
        case "run_id":
          return compare(modelVersions.runId, op, value);
        case "source_path":
          return compare(modelVersions.sourceUri, op, value);
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
      return viaIndexTable(
        versionTags,
        versionTags.versionId,
        sql`${versionTags.key} = ${term.key} and ${compare(versionTags.value, op, value)}`,
        drive,
        "version_tags_probe_idx",
      );
    case "param":
      return viaIndexTable(
        versionParams,
        versionParams.versionId,
        sql`${versionParams.key} = ${term.key} and ${compare(versionParams.value, op, value)}`,
        drive,
        "version_params_probe_idx",
      );
    case "metric":
      return viaIndexTable(
        versionMetrics,
        versionMetrics.versionId,
        sql`${versionMetrics.name} = ${term.name} and ${versionMetrics.slice} = ${term.slice ? sql`${term.slice}` : sql`''`} and ${compare(versionMetrics.value, op, value)}`,
        drive,
        "version_metrics_probe_idx",
      );
    case "dataset": {
      const column = {
        digest: versionDatasets.digest,
        uri: versionDatasets.uri,
        version: versionDatasets.version,
        role: versionDatasets.role,
      }[term.field];
      return viaIndexTable(versionDatasets, versionDatasets.versionId, compare(column, op, value), drive);
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

/**
 * A condition on an index table: `id IN (…)` when it drives the search (SQLite starts from the
 * index range), otherwise a correlated EXISTS that probes per candidate row. The probe names its
 * covering index (migrations/0022, issue 13): left alone SQLite takes the primary key, which finds
 * the row but then reads the table for the value, once per candidate.
 */
function viaIndexTable(
  table: SQLiteTable,
  versionId: SQLiteColumn,
  condition: SQL,
  drive: boolean,
  probeIndex?: string,
): SQL {
  const indexed = probeIndex ? sql.raw(` indexed by ${probeIndex}`) : sql``;
  return drive
    ? sql`${modelVersions.id} in (select ${versionId} from ${table} where ${condition})`
    : sql`exists (select 1 from ${table}${indexed} where ${versionId} = ${modelVersions.id} and ${condition})`;
}

/** WHERE condition for a search over model_versions joined with models (undefined = no filter). */
export function versionFilterSql(filter: Filter): SQL | undefined {
  const driver = drivingComparison(filter);
  return and(...filter.comparisons.map((c, i) => versionCondition(c, i === driver)));
}

/** WHERE condition for a search over models (undefined = no filter). */
export function modelFilterSql(filter: Filter): SQL | undefined {
  return and(...filter.comparisons.map(modelCondition));
}

export interface VersionOrder {
  /** One join per metric sort key: inner when the filter already requires the metric, else left. */
  joins: { table: ReturnType<typeof metricAlias>; on: SQL; inner: boolean }[];
  /** Sort expressions with their direction, before the tie-breakers (name, version). */
  keys: { expr: SQL; descending: boolean }[];
}

const metricAlias = (i: number) => alias(versionMetrics, `order_metric_${i}`);

/**
 * ORDER BY for a version search. Metric keys join version_metrics once each (instead of a
 * correlated subquery per row); a version without the metric sorts last in either direction.
 * Ties are broken by model name, then version descending (MLflow's default order).
 */
export function versionOrder(orders: OrderBy[], filter: Filter): VersionOrder {
  const result: VersionOrder = { joins: [], keys: [] };
  orders.forEach(({ key, descending }, i) => {
    if (key.kind === "metric") {
      const table = metricAlias(i);
      const inner = filter.comparisons.some(
        (c) => c.term.kind === "metric" && !c.term.slice && c.term.name === key.name,
      );
      result.joins.push({
        table,
        inner,
        on: sql`${table.versionId} = ${modelVersions.id} and ${table.slice} = '' and ${table.name} = ${key.name}`,
      });
      result.keys.push({ expr: sql`${table.value}`, descending });
      return;
    }
    const column = {
      name: models.name,
      version_number: modelVersions.version,
      created_at: modelVersions.createdAt,
      updated_at: modelVersions.updatedAt,
    }[key.name];
    result.keys.push({ expr: sql`${column}`, descending });
  });
  return result;
}

/** `expr dir`, with NULLs last both ways (SQLite puts them first when ascending). */
export const orderTerm = (expr: SQL | SQLiteColumn, descending: boolean) =>
  descending ? sql`${expr} desc` : sql`${expr} asc nulls last`;

export const TIE_BREAKERS = [sql`${models.name} asc`, sql`${modelVersions.version} desc`];
