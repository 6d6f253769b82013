/** Stage changes of versions: the reads the stage machine needs and the statements it writes. */
import { and, desc, eq } from "drizzle-orm";
import type { Db, Statement } from "../client";
import { auditLog, models, modelVersions } from "../schema";
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
