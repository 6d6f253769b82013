/**
 * Lineage reads: walks parent links up (ancestors) or down (every version derived from this one,
 * in any model) with one recursive CTE, and lists the versions that used a dataset.
 */
import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { LineageVersion, Stage } from "../../domain/lineage";
import type { Db } from "../client";
import { iso } from "../client";
import { models, modelVersions, versionDatasets } from "../schema";
import { scopeCondition } from "./scope-filter";

export type WalkedVersion = LineageVersion;

export interface RawWalkRow {
  id: string;
  depth: number;
  name: string;
  version: number;
  stage: Stage;
  datasets: string;
  provenance: string;
  parent_model: string | null;
  parent_version: number | null;
}

/**
 * Versions reachable from `rootId` within `maxDepth` hops (the root at depth 0), each at its
 * shortest distance. `union` (not `union all`) stops on repeated (id, depth) pairs.
 * CROSS JOIN pins the join order (walk first): otherwise SQLite may scan every version.
 * Exported as SQL so the benchmark runs exactly this query straight on SQLite.
 */
export function walkVersionsSql(rootId: string, direction: "upstream" | "downstream", maxDepth: number): SQL {
  return sql`
    with recursive walk(id, depth) as (select ${rootId}, 0 union ${walkStep(direction, "walk", maxDepth)})
    select v.id, min(w.depth) as depth, m.name, v.version, v.stage, v.datasets, v.provenance,
           v.parent_model, v.parent_version
    from walk w cross join model_versions v on v.id = w.id cross join models m on m.id = v.model_id
    group by v.id order by depth, m.name, v.version`;
}

/** One hop of a walk whose rows are the CTE `cte(id, depth)`. */
function walkStep(direction: "upstream" | "downstream", cte: "walk" | "up" | "down", maxDepth: number): SQL {
  const w = sql.raw(cte);
  return direction === "upstream"
    ? sql`select p.id, w.depth + 1 from ${w} w
         join model_versions c on c.id = w.id
         join models pm on pm.name = c.parent_model
         join model_versions p on p.model_id = pm.id and p.version = c.parent_version
         where w.depth < ${maxDepth}`
    : sql`select c.id, w.depth + 1 from ${w} w
         join model_versions p on p.id = w.id
         join models pm on pm.id = p.model_id
         join model_versions c on c.parent_model = pm.name and c.parent_version = p.version
         where w.depth < ${maxDepth}`;
}

/**
 * Both walks from one version in one statement (the version page draws both): rows carry `dir`.
 * Each walk is the same recursive step as walkVersionsSql, so the two answers are the same rows.
 */
export function walkBothWaysQuery(db: Db, rootId: string, upDepth: number, downDepth: number) {
  return db.all<RawWalkRow & { dir: "upstream" | "downstream" }>(sql`
    with recursive up(id, depth) as (select ${rootId}, 0 union ${walkStep("upstream", "up", upDepth)}),
    down(id, depth) as (select ${rootId}, 0 union ${walkStep("downstream", "down", downDepth)}),
    walk(dir, id, depth) as (select 'upstream', id, depth from up union all select 'downstream', id, depth from down)
    select w.dir, v.id, min(w.depth) as depth, m.name, v.version, v.stage, v.datasets, v.provenance,
           v.parent_model, v.parent_version
    from walk w cross join model_versions v on v.id = w.id cross join models m on m.id = v.model_id
    group by w.dir, v.id order by w.dir, depth, m.name, v.version`);
}

/** The walk as a query, so a page can batch it with its other reads (decode with toWalkedVersions). */
function walkVersionsQuery(db: Db, rootId: string, direction: "upstream" | "downstream", maxDepth: number) {
  return db.all<RawWalkRow>(walkVersionsSql(rootId, direction, maxDepth));
}

export async function walkVersions(
  db: Db,
  rootId: string,
  direction: "upstream" | "downstream",
  maxDepth: number,
): Promise<WalkedVersion[]> {
  return toWalkedVersions(await walkVersionsQuery(db, rootId, direction, maxDepth));
}

export function toWalkedVersions(rows: RawWalkRow[]): WalkedVersion[] {
  return rows.map((r) => ({
    id: r.id,
    depth: Number(r.depth),
    name: r.name,
    version: Number(r.version),
    stage: r.stage,
    datasets: JSON.parse(r.datasets),
    provenance: JSON.parse(r.provenance),
    parentModel: r.parent_model,
    parentVersion: r.parent_version,
  }));
}

export type DatasetKey = { digest: string } | { uri: string; version?: string | undefined };

/** Every version (visible to the caller) that lists the dataset, newest model-version first. */
export function datasetUsageQuery(
  db: Db,
  key: DatasetKey,
  opts: { scopes: string[] | null; stage?: Stage | undefined; limit: number; offset: number },
) {
  // A popular uri matches thousands of rows; when a selective stage is asked for, the unary `+`
  // keeps SQLite off the uri index so it starts from the (stage, created_at) index instead
  // (measured at 100,000 versions: 244 ms → see README "Performance: search").
  const selectiveStage = opts.stage === "Production" || opts.stage === "Staging";
  const col = (c: SQLiteColumn) => (selectiveStage ? sql`+${c}` : sql`${c}`);
  const match: (SQL | undefined)[] =
    "digest" in key
      ? [eq(versionDatasets.digest, key.digest)]
      : [
          sql`${col(versionDatasets.uri)} = ${key.uri}`,
          key.version === undefined ? undefined : sql`${col(versionDatasets.version)} = ${key.version}`,
        ];
  return db
    .select({
      name: models.name,
      version: modelVersions.version,
      stage: modelVersions.stage,
      createdAt: modelVersions.createdAt,
      uri: versionDatasets.uri,
      datasetVersion: versionDatasets.version,
      digest: versionDatasets.digest,
      role: versionDatasets.role,
    })
    .from(versionDatasets)
    .innerJoin(modelVersions, eq(modelVersions.id, versionDatasets.versionId))
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .where(
      and(
        ...match,
        opts.stage ? eq(modelVersions.stage, opts.stage) : undefined,
        scopeCondition(models.name, opts.scopes),
      ),
    )
    .orderBy(models.name, desc(modelVersions.version), versionDatasets.position)
    .limit(opts.limit)
    .offset(opts.offset);
}

export async function listDatasetUsage(
  db: Db,
  key: DatasetKey,
  opts: { scopes: string[] | null; stage?: Stage | undefined; limit: number; offset: number },
) {
  const rows = await datasetUsageQuery(db, key, opts).all();
  return rows.map((r) => ({
    name: r.name,
    version: r.version,
    stage: r.stage,
    created_at: iso(r.createdAt),
    dataset: { uri: r.uri, version: r.datasetVersion, digest: r.digest, role: r.role },
  }));
}
