/**
 * Progressive rollouts (issue 18): reads for routes, the resolve path and the guards, and the
 * statement builders only the ModelLedger uses. A rollout row is model state.
 */
import { and, asc, desc, eq, gte, inArray, isNotNull, lte, sql } from "drizzle-orm";
import type { CanaryReport } from "../../domain/rollouts/guards";
import type { RolloutStatus } from "../../domain/rollouts/rollout";
import { cutPage } from "../../lib/page-token";
import type { RolloutView } from "../../schemas/rollouts";
import { type Db, iso, isoOrNull, type Statement } from "../client";
import { deployments, models, rollouts } from "../schema";
import { NEWEST_FIRST, newestFirstAfter } from "./newest-first";

export type RolloutRow = typeof rollouts.$inferSelect;

export function toRolloutView(row: RolloutRow, modelName: string): RolloutView {
  return {
    id: row.id,
    name: modelName,
    alias: row.alias,
    from_version: row.fromVersion,
    version: row.version,
    weight: row.weight,
    steps: row.steps,
    step_interval_s: row.stepIntervalS,
    guards: row.guards,
    status: row.status,
    step_started_at: iso(row.stepStartedAt),
    breach: row.breach ?? null,
    history: row.history.map((h) => ({
      at: iso(h.at),
      action: h.action,
      weight: h.weight,
      actor: h.actor,
      ...(h.detail !== undefined ? { detail: h.detail } : {}),
    })),
    created_by: row.createdBy,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
    ended_at: isoOrNull(row.endedAt),
  };
}

export async function findRollout(db: Db, id: string): Promise<RolloutRow | undefined> {
  return db.select().from(rollouts).where(eq(rollouts.id, id)).get();
}

/** A rollout with its model's name (routes that address a rollout by id alone). */
export async function findRolloutWithModel(
  db: Db,
  id: string,
): Promise<{ rollout: RolloutRow; modelName: string } | undefined> {
  const row = await db
    .select({ rollout: rollouts, modelName: models.name })
    .from(rollouts)
    .innerJoin(models, eq(models.id, rollouts.modelId))
    .where(eq(rollouts.id, id))
    .get();
  return row ?? undefined;
}

export async function activeRollout(db: Db, modelId: string, alias: string): Promise<RolloutRow | undefined> {
  return db
    .select()
    .from(rollouts)
    .where(and(eq(rollouts.modelId, modelId), eq(rollouts.alias, alias), eq(rollouts.status, "active")))
    .get();
}

/** The model's active rollouts with the canary version's manifest digest (for the fleet view). */
export async function activeRollouts(db: Db, modelId: string) {
  return db
    .select({
      rollout: rollouts,
      canaryDigest: sql<
        string | null
      >`(select v.manifest_digest from model_versions v where v.model_id = ${rollouts.modelId} and v.version = ${rollouts.version})`,
    })
    .from(rollouts)
    .where(and(eq(rollouts.modelId, modelId), eq(rollouts.status, "active")))
    .all();
}

/**
 * A model's rollouts, newest first, keyset-paginated; the console and `GET …/rollouts` both call
 * this. Each carries its whole history.
 */
export async function listRollouts(
  db: Db,
  model: { id: string; name: string },
  opts: { status?: RolloutStatus | undefined; pageSize: number; pageToken?: string | undefined },
): Promise<{ items: RolloutView[]; next_page_token: string | null }> {
  const rows = await db
    .select()
    .from(rollouts)
    .where(
      and(
        eq(rollouts.modelId, model.id),
        opts.status ? eq(rollouts.status, opts.status) : undefined,
        newestFirstAfter(rollouts.createdAt, rollouts.id, opts.pageToken),
      ),
    )
    .orderBy(desc(rollouts.createdAt), desc(rollouts.id))
    .limit(opts.pageSize + 1)
    .all();
  const { page, next } = cutPage(rows, opts.pageSize, (last) => ({
    o: NEWEST_FIRST,
    k: last.createdAt,
    n: last.id,
  }));
  return { items: page.map((r) => toRolloutView(r, model.name)), next_page_token: next };
}

/** Active rollouts whose current step has lasted its interval as of `now`, with their model's name. */
export async function dueRollouts(db: Db, now: number, limit = 500) {
  return db
    .select({ id: rollouts.id, modelName: models.name })
    .from(rollouts)
    .innerJoin(models, eq(models.id, rollouts.modelId))
    .where(
      and(
        eq(rollouts.status, "active"),
        lte(sql`${rollouts.stepStartedAt} + ${rollouts.stepIntervalS} * 1000`, now),
      ),
    )
    .orderBy(asc(rollouts.stepStartedAt))
    .limit(limit)
    .all();
}

/**
 * The latest reports that may speak for a rollout's canary: nodes following its alias, running
 * its canary version, carrying metrics, reported since `since`. The caller keeps only the nodes
 * whose bucket is on the canary (the bucket is a hash SQL cannot compute).
 */
export async function canaryCandidates(
  db: Db,
  rollout: Pick<RolloutRow, "modelId" | "alias" | "version">,
  since: number,
): Promise<CanaryReport[]> {
  const rows = await db
    .select({ nodeId: deployments.nodeId, metrics: deployments.metrics })
    .from(deployments)
    .where(
      and(
        eq(deployments.modelId, rollout.modelId),
        eq(deployments.alias, rollout.alias),
        eq(deployments.version, rollout.version),
        gte(deployments.reportedAt, since),
        isNotNull(deployments.metrics),
      ),
    )
    .all();
  return rows.map((r) => ({ nodeId: r.nodeId, metrics: r.metrics ?? {} }));
}

/** Whether any of these versions is the canary or the stable side of an active rollout. */
export async function versionsInActiveRollout(db: Db, modelId: string, versions: number[]) {
  const row = await db
    .select({ id: rollouts.id })
    .from(rollouts)
    .where(
      and(
        eq(rollouts.modelId, modelId),
        eq(rollouts.status, "active"),
        sql`(${inArray(rollouts.version, versions)} or ${inArray(rollouts.fromVersion, versions)})`,
      ),
    )
    .get();
  return row !== undefined;
}

// ---- statement builders for the ModelLedger (the only writer) ----

export function insertRollout(db: Db, row: RolloutRow): Statement {
  return db.insert(rollouts).values(row);
}

export function updateRollout(
  db: Db,
  id: string,
  patch: Partial<Omit<RolloutRow, "id" | "modelId" | "createdAt" | "createdBy">>,
): Statement {
  return db.update(rollouts).set(patch).where(eq(rollouts.id, id));
}
