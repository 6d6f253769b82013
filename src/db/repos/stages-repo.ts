/** Stage changes of versions: the reads the stage machine needs and the statements it writes. */
import { and, desc, eq, sql } from "drizzle-orm";
import type { Db, Statement } from "../client";
import { auditLog, models, modelVersions } from "../schema";
import { scopeCondition } from "./scope-filter";
import type { VersionRow } from "./versions-repo";

export async function findProductionVersion(db: Db, modelId: string): Promise<VersionRow | undefined> {
  return db
    .select()
    .from(modelVersions)
    .where(and(eq(modelVersions.modelId, modelId), eq(modelVersions.stage, "Production")))
    .get();
}

/** Who fast-tracked this version most recently (the audit log is the record of it). */
export async function fastTrackedBy(db: Db, chain: string, target: string): Promise<string | null> {
  const row = await db
    .select({ actor: auditLog.actor })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.chain, chain),
        eq(auditLog.action, "model_version.fast_tracked"),
        eq(auditLog.target, target),
      ),
    )
    .orderBy(desc(auditLog.seq))
    .get();
  return row?.actor ?? null;
}

/** A fast-tracked version still awaiting its review sign-off, with who fast-tracked it and why. */
export interface PendingReview {
  name: string;
  version: number;
  stage: VersionRow["stage"];
  updatedAt: number;
  fastTrackedBy: string | null;
  fastTrackedAt: number | null;
  reason: string | null;
}

/**
 * Versions flagged `needs_review` within the caller's scopes (issue 14's approvals inbox), newest
 * change first, each with its latest fast-track audit entry read in the same query.
 */
export async function pendingReviews(
  db: Db,
  scopes: string[] | null,
  limit: number,
): Promise<PendingReview[]> {
  const fastTrack = <T>(column: "actor" | "reason" | "created_at") =>
    sql<T | null>`(select a.${sql.raw(column)} from ${auditLog} a where a.chain = ${models.id}
      and a.action = 'model_version.fast_tracked'
      and a.target = 'model:' || ${models.name} || '/versions/' || ${modelVersions.version}
      order by a.seq desc limit 1)`;
  return db
    .select({
      name: models.name,
      version: modelVersions.version,
      stage: modelVersions.stage,
      updatedAt: modelVersions.updatedAt,
      fastTrackedBy: fastTrack<string>("actor"),
      fastTrackedAt: fastTrack<number>("created_at"),
      reason: fastTrack<string>("reason"),
    })
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .where(and(eq(modelVersions.needsReview, true), scopeCondition(models.name, scopes)))
    .orderBy(desc(modelVersions.updatedAt))
    .limit(limit)
    .all();
}

// ---- statement builders for the ModelLedger (the only writer) ----

/** Moves a version to a stage. Staleness is caught by the audit entry's UNIQUE(chain, seq). */
export function setStage(
  db: Db,
  version: VersionRow,
  stage: VersionRow["stage"],
  now: number,
  patch: Partial<Pick<VersionRow, "needsReview">> = {},
): Statement {
  return db
    .update(modelVersions)
    .set({ stage, updatedAt: now, ...patch })
    .where(eq(modelVersions.id, version.id));
}

export function setNeedsReview(db: Db, versionId: string, needsReview: boolean, now: number): Statement {
  return db.update(modelVersions).set({ needsReview, updatedAt: now }).where(eq(modelVersions.id, versionId));
}

export function setPreviousProduction(db: Db, modelId: string, version: number | null, now: number) {
  return db
    .update(models)
    .set({ previousProductionVersion: version, updatedAt: now })
    .where(eq(models.id, modelId));
}
