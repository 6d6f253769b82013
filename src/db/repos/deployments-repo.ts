/**
 * Deployment reports of serving nodes, judged against what the registry says they should run.
 * Reads compute the expectation live (an alias may have moved since the node last reported);
 * the stored `drift*` columns are the episode state as of the last report, which only the
 * ModelLedger writes (`setDrift`). `upsertReport` never touches them.
 */
import { and, asc, eq, gt, sql } from "drizzle-orm";
import { type DriftReason, driftReason, isStale } from "../../domain/drift";
import { type ActiveRollout, withRollouts } from "../../domain/rollouts/fleet";
import { cutPage, decodePageToken } from "../../lib/page-token";
import type { DeploymentView } from "../../schemas/serving";
import { type Db, iso, isoOrNull, type Statement } from "../client";
import { deployments, models } from "../schema";
import { expectedVersionSql, versionDigestSql } from "./resolve-repo";
import { activeRollouts } from "./rollouts-repo";

export type DeploymentRow = typeof deployments.$inferSelect;
export type ReportRow = Omit<
  DeploymentRow,
  | "runningSince"
  | "previousVersion"
  | "previousManifestDigest"
  | "drift"
  | "driftSince"
  | "driftEpisodes"
  | "staleSince"
>;

/**
 * Qualified column references for the correlated subqueries: drizzle leaves columns unqualified in
 * single-table selects, and an unqualified `version` inside `select … from model_versions v` would
 * silently mean `v.version`.
 */
const col = (name: string) => sql.raw(`"deployments"."${name}"`);
export const D = { modelId: col("model_id"), alias: col("alias"), version: col("version") };
export const expectedVersion = expectedVersionSql(D.modelId, D.alias);
const viewColumns = {
  row: deployments,
  expectedVersion,
  expectedDigest: versionDigestSql(D.modelId, expectedVersion),
  versionDigest: versionDigestSql(D.modelId, D.version),
};

interface JudgedRow {
  row: DeploymentRow;
  expectedVersion: number | null;
  expectedDigest: string | null;
  versionDigest: string | null;
}

function toView(j: JudgedRow, now: number, staleAfter: number): DeploymentView {
  const r = j.row;
  const drift = driftReason({
    reportedVersion: r.version,
    reportedDigest: r.manifestDigest,
    versionDigest: j.versionDigest,
    expectedVersion: j.expectedVersion,
  });
  return {
    node_id: r.nodeId,
    environment: r.environment,
    alias: r.alias,
    version: r.version,
    manifest_digest: r.manifestDigest,
    status: r.status,
    loaded_at: iso(r.loadedAt),
    reported_at: iso(r.reportedAt),
    reported_by: r.reportedBy,
    running_since: iso(r.runningSince),
    previous:
      r.previousVersion !== null && r.previousManifestDigest !== null
        ? { version: r.previousVersion, manifest_digest: r.previousManifestDigest }
        : null,
    expected:
      j.expectedVersion !== null && j.expectedDigest !== null
        ? { version: j.expectedVersion, manifest_digest: j.expectedDigest }
        : null,
    in_sync: drift === null,
    drift,
    digest_mismatch: drift === "digest_mismatch",
    drift_since: isoOrNull(r.driftSince),
    drift_episodes: r.driftEpisodes,
    stale: isStale(r.reportedAt, now, staleAfter),
    metrics: r.metrics ?? null,
    rollout: null,
  };
}

/** The model's active rollouts as the fleet view needs them (issue 18). */
async function rolloutsOf(db: Db, modelId: string): Promise<ActiveRollout[]> {
  const rows = await activeRollouts(db, modelId);
  return rows.map(({ rollout: r, canaryDigest }) => ({
    id: r.id,
    alias: r.alias,
    version: r.version,
    weight: r.weight,
    canaryDigest,
  }));
}

/** What the registry holds for a report: the followed alias's target and the reported version's digest. */
export async function observe(db: Db, modelId: string, alias: string, version: number) {
  const row = await db
    .select({
      expectedVersion: expectedVersionSql(modelId, alias),
      versionDigest: versionDigestSql(modelId, sql`${version}`),
    })
    .from(models)
    .where(eq(models.id, modelId))
    .get();
  return { expectedVersion: row?.expectedVersion ?? null, versionDigest: row?.versionDigest ?? null };
}

export async function findDeployment(
  db: Db,
  modelId: string,
  nodeId: string,
): Promise<DeploymentRow | undefined> {
  return db
    .select()
    .from(deployments)
    .where(and(eq(deployments.modelId, modelId), eq(deployments.nodeId, nodeId)))
    .get();
}

export async function readDeployment(
  db: Db,
  model: { id: string; name: string },
  nodeId: string,
  now: number,
  staleAfter: number,
): Promise<DeploymentView | null> {
  const [j, rollouts] = await Promise.all([
    db
      .select(viewColumns)
      .from(deployments)
      .where(and(eq(deployments.modelId, model.id), eq(deployments.nodeId, nodeId)))
      .get() as Promise<JudgedRow | undefined>,
    rolloutsOf(db, model.id),
  ]);
  if (!j) return null;
  const [view] = await withRollouts(model.name, [toView(j, now, staleAfter)], rollouts);
  return view ?? null;
}

/**
 * A model's nodes, by node id, keyset-paginated, each judged against its alias now — or, for a
 * node on an active rollout's canary, against the canary version (and marked as such).
 */
export async function listDeployments(
  db: Db,
  model: { id: string; name: string },
  opts: { now: number; staleAfter: number; pageSize: number; pageToken: string | undefined },
) {
  const order = "node_id ASC";
  const cursor = decodePageToken(opts.pageToken, order);
  const [rows, rollouts] = await Promise.all([
    db
      .select(viewColumns)
      .from(deployments)
      .where(and(eq(deployments.modelId, model.id), cursor ? gt(deployments.nodeId, cursor.n) : undefined))
      .orderBy(asc(deployments.nodeId))
      .limit(opts.pageSize + 1)
      .all() as Promise<JudgedRow[]>,
    rolloutsOf(db, model.id),
  ]);
  const { page, next } = cutPage(rows, opts.pageSize, (last) => ({ o: order, k: 0, n: last.row.nodeId }));
  const views = page.map((j) => toView(j, opts.now, opts.staleAfter));
  return { items: await withRollouts(model.name, views, rollouts), next_page_token: next };
}

// ---- statement builders ----

/**
 * Upserts a node's heartbeat (latest report wins; an older report arriving late is ignored).
 * When the node now runs something else, what it ran before moves to `previous_*`. Never touches
 * the drift episode columns: those belong to the ModelLedger.
 */
export function upsertReport(db: Db, row: ReportRow): Statement {
  const changed = sql`(${deployments.manifestDigest} <> excluded.manifest_digest or ${deployments.version} <> excluded.version)`;
  return db
    .insert(deployments)
    .values({ ...row, runningSince: row.reportedAt })
    .onConflictDoUpdate({
      target: [deployments.modelId, deployments.nodeId],
      set: {
        environment: row.environment,
        alias: row.alias,
        version: row.version,
        manifestDigest: row.manifestDigest,
        status: row.status,
        loadedAt: row.loadedAt,
        reportedAt: row.reportedAt,
        reportedBy: row.reportedBy,
        metrics: row.metrics,
        runningSince: sql`case when ${changed} then excluded.running_since else ${deployments.runningSince} end`,
        previousVersion: sql`case when ${changed} then ${deployments.version} else ${deployments.previousVersion} end`,
        previousManifestDigest: sql`case when ${changed} then ${deployments.manifestDigest} else ${deployments.previousManifestDigest} end`,
      },
      setWhere: sql`excluded.reported_at >= ${deployments.reportedAt}`,
    });
}

/** Opens (reason) or closes (null) a node's drift episode. ModelLedger only. */
export function setDrift(
  db: Db,
  modelId: string,
  nodeId: string,
  reason: DriftReason | null,
  now: number,
): Statement {
  return db
    .update(deployments)
    .set(
      reason === null
        ? { drift: null, driftSince: null }
        : { drift: reason, driftSince: now, driftEpisodes: sql`${deployments.driftEpisodes} + 1` },
    )
    .where(and(eq(deployments.modelId, modelId), eq(deployments.nodeId, nodeId)));
}
