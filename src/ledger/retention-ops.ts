/**
 * Decisions for retention (issue #6): a model's retention policy, and the two actions a retention
 * run takes. Each action plans the model again on the state read inside the ledger's serial queue
 * and proceeds only if the fresh plan still contains it, so a version that became protected since
 * the run's plan (an alias, a promotion, a child naming it as parent) is never touched.
 */
import type { Db } from "../db/client";
import { markUnreferenced } from "../db/repos/blob-gc-repo";
import type { ModelRow } from "../db/repos/models-repo";
import {
  markArtifactsPurged,
  readRetentionPolicy,
  readVersionFacts,
  upsertRetentionPolicy,
} from "../db/repos/retention-repo";
import { setStage } from "../db/repos/stages-repo";
import type { VersionRow } from "../db/repos/versions-repo";
import { digestHex } from "../domain/artifacts";
import { ARTIFACTS_PURGED, planVersion, type RetentionPolicy, stillPlanned } from "../domain/retention";
import type { RetentionPolicyView } from "../schemas/retention";
import { type Change, type ChangeContext, fail, type LedgerResult } from "./ledger-types";

export interface RetentionActionResult {
  version: number;
  stage: VersionRow["stage"];
  status: string;
  reason: string;
}

export async function decideSetRetention(
  db: Db,
  model: ModelRow,
  policy: RetentionPolicy,
  ctx: ChangeContext,
  now: number,
): Promise<LedgerResult<Change<RetentionPolicyView>>> {
  const { is_default, ...current } = await readRetentionPolicy(db, model.id);
  const before = is_default ? null : current;
  return {
    ok: true,
    value: {
      statements: [upsertRetentionPolicy(db, model.id, policy, now, ctx.actor.name)],
      chain: model.id,
      modelName: model.name,
      action: "retention_policy.set",
      target: `model:${model.name}/retention`,
      before,
      after: policy,
      event: {
        type: "model.updated",
        modelId: model.id,
        version: null,
        data: { before: { retention: before }, after: { retention: policy } },
      },
      respond: async () => ({ name: model.name, ...policy, is_default: false }),
    },
  };
}

/**
 * The fresh plan's entry for this action, or a refusal saying the version is no longer eligible.
 * Plans this one version only (issue #19): the same rules as the run's whole-model plan, at O(1)
 * reads, so a run's cost per action does not grow with the model's size.
 */
async function replan(db: Db, model: ModelRow, kind: "archive" | "purge", version: number, asOf: number) {
  const policy = await readRetentionPolicy(db, model.id);
  const read = await readVersionFacts(db, model, version, policy.keep_last);
  const plan = read
    ? planVersion(
        read.facts,
        { name: model.name, previousProductionVersion: model.previousProductionVersion },
        policy,
        read.newest,
        asOf,
      )
    : [];
  const action = stillPlanned(plan, kind, version);
  return (
    action ??
    fail("RETENTION_NOT_ELIGIBLE", `version ${model.name}/${version} is not eligible to ${kind} any more`)
  );
}

export async function decideRetentionArchive(
  db: Db,
  model: ModelRow,
  version: VersionRow,
  asOf: number,
  now: number,
): Promise<LedgerResult<Change<RetentionActionResult>>> {
  const planned = await replan(db, model, "archive", version.version, asOf);
  if ("ok" in planned) return planned;
  const reason = planned.reason;
  const before = { stage: version.stage };
  const after = { stage: "Archived" as const };
  return {
    ok: true,
    value: {
      // The plan counted the purge grace from `asOf`; stamp no earlier, so the next plan agrees
      // (matters only when a run plans ahead of the ledger's clock, as tests moving time do).
      statements: [setStage(db, version, "Archived", Math.max(now, asOf))],
      chain: model.id,
      modelName: model.name,
      action: "model_version.archived",
      target: `model:${model.name}/versions/${version.version}`,
      before,
      after: { ...after, reason },
      event: {
        type: "model_version.archived",
        modelId: model.id,
        version: version.version,
        data: { before, after, via: "retention", reason },
      },
      respond: async () => ({ version: version.version, stage: "Archived", status: version.status, reason }),
    },
  };
}

/**
 * Purging is a metadata change: the version's status becomes ARTIFACTS_PURGED and the GC clock of
 * its blobs starts now. Blob GC deletes the bytes after the grace period, and only blobs that no
 * remaining version references.
 */
export async function decidePurgeArtifacts(
  db: Db,
  model: ModelRow,
  version: VersionRow,
  asOf: number,
  now: number,
): Promise<LedgerResult<Change<RetentionActionResult>>> {
  const planned = await replan(db, model, "purge", version.version, asOf);
  if ("ok" in planned) return planned;
  const reason = planned.reason;
  const blobs = [...new Map(version.files.map((f) => [digestHex(f.digest), f.size])).entries()];
  const before = { status: version.status };
  const after = { status: ARTIFACTS_PURGED };
  return {
    ok: true,
    value: {
      statements: [
        markArtifactsPurged(db, version, now),
        ...markUnreferenced(
          db,
          blobs.map(([hex, size]) => ({ hex, size })),
          now,
        ),
      ],
      chain: model.id,
      modelName: model.name,
      action: "model_version.artifacts_purged",
      target: `model:${model.name}/versions/${version.version}`,
      before,
      after: { ...after, reason },
      event: {
        type: "model_version.artifacts_purged",
        modelId: model.id,
        version: version.version,
        data: { before, after, reason, files: version.files.length, bytes: version.totalSize },
      },
      respond: async () => ({
        version: version.version,
        stage: version.stage,
        status: ARTIFACTS_PURGED,
        reason,
      }),
    },
  };
}
