/**
 * Decisions for stages: transitions (including fast-track and the promotion that follows the last
 * approval), rollback and the review sign-off after a fast-track. The rules themselves are in
 * src/domain/lifecycle.ts; this file gathers the facts and builds the one batch per change.
 */
import type { Db, Statement } from "../db/client";
import { cancelPending, hasApprovedRequest } from "../db/repos/approvals-repo";
import { versionsInStage } from "../db/repos/mlflow-repo";
import type { ModelRow } from "../db/repos/models-repo";
import { readPolicy } from "../db/repos/policies-repo";
import {
  fastTrackedBy,
  findProductionVersion,
  setNeedsReview,
  setPreviousProduction,
  setStage,
} from "../db/repos/stages-repo";
import { findVersionRow, readVersionView, type VersionRow, viewAfter } from "../db/repos/versions-repo";
import {
  registrationRefusal,
  type Stage,
  decideTransition as stageMachine,
  type TransitionKind,
} from "../domain/lifecycle";
import { evaluateGates } from "../domain/policy";
import { ARTIFACTS_PURGED } from "../domain/retention";
import { satisfies } from "../domain/roles";
import { compatibilityFailures, compatibilityGuards } from "../domain/signature-gate";
import type { RollbackResult } from "../schemas/governance";
import type { VersionView } from "../schemas/versions";
import { compatibilityAgainst } from "./compatibility";
import { type Change, type ChangeContext, fail, type LedgerResult } from "./ledger-types";

export interface TransitionInput {
  to: Stage;
  comment: string;
  kind: Exclude<TransitionKind, "rollback">;
  /** Set when the last approval of this request triggers the promotion. */
  approvalRequestId?: string | undefined;
  /**
   * MLflow's `archive_existing_versions`: the other versions in the target stage are archived in
   * the same change, so the whole move happens or none of it does (each archive must be allowed).
   */
  archiveOthers?: boolean | undefined;
}

const versionTarget = (model: ModelRow, version: number) => `model:${model.name}/versions/${version}`;

const view = (db: Db, model: ModelRow, version: number) => async () => {
  const found = await readVersionView(db, model, version);
  if (!found) throw new Error(`version ${model.name}/${version} vanished after commit`);
  return found;
};

/**
 * Entering Production: the current Production version (if another) is archived in the same batch
 * and remembered as the rollback target. Statement order matters for the partial UNIQUE index on
 * Production: the old one leaves before the new one arrives.
 */
async function promotion(db: Db, model: ModelRow, target: VersionRow, now: number, needsReview: boolean) {
  const current = await findProductionVersion(db, model.id);
  const statements: Statement[] = [];
  if (current) statements.push(setStage(db, current, "Archived", now));
  statements.push(setStage(db, target, "Production", now, { needsReview }));
  const previous = current ? current.version : model.previousProductionVersion;
  statements.push(setPreviousProduction(db, model.id, previous === target.version ? null : previous, now));
  statements.push(cancelPending(db, model.id, target.version, now));
  return { statements, archived: current?.version ?? null };
}

export async function decideTransition(
  db: Db,
  model: ModelRow,
  version: VersionRow,
  input: TransitionInput,
  ctx: ChangeContext,
  now: number,
  /** The ledger passes its head state's policy (issue 13); D1 otherwise. */
  policyOf: typeof readPolicy = readPolicy,
): Promise<LedgerResult<Change<VersionView>>> {
  const unverified = registrationRefusal(version.status, input.to);
  if (unverified) return fail("VERSION_NOT_READY", unverified);
  const policy = await policyOf(db, model.id);
  const guarded = compatibilityGuards(policy.signature_compatibility, {
    from: version.stage,
    to: input.to,
    kind: input.kind,
  });
  const verdict = stageMachine({
    from: version.stage,
    to: input.to,
    kind: input.kind,
    role: ctx.role,
    isCreator: version.createdBy === ctx.actor.name,
    // Only a plain Staging → Production move asks for an approved request: no read otherwise.
    approved:
      input.kind === "approval" ||
      (input.kind === "transition" &&
        input.to === "Production" &&
        (await hasApprovedRequest(db, model.id, version.version))),
    failedGates: evaluateGates(policy, version),
    compatibilityFailures: guarded
      ? compatibilityFailures(await compatibilityAgainst(db, model.id, version))
      : undefined,
    reason: input.comment,
  });
  if (!verdict.ok) {
    const failed = verdict.failedGates;
    return failed
      ? fail(
          verdict.code,
          verdict.detail,
          failed.map((g) => ({ path: g.gate, message: g.message })),
          { failed_gates: failed },
        )
      : fail(verdict.code, verdict.detail);
  }
  let statements: Statement[];
  let archived: number | null = null;
  // The model row as the change leaves it (issue 13's head state): only the rollback target moves.
  let previousProductionVersion = model.previousProductionVersion;
  let modelTouched = false;
  const others = input.archiveOthers ? await archiveOthers(db, model, version, input.to, ctx, now) : null;
  if (others && !others.ok) return others;
  if (input.to === "Production") {
    ({ statements, archived } = await promotion(db, model, version, now, verdict.needsReview));
    const previous = archived ?? model.previousProductionVersion;
    previousProductionVersion = previous === version.version ? null : previous;
    modelTouched = true;
  } else {
    statements = [setStage(db, version, input.to, now)];
    // Leaving Staging by another road closes its open approval request.
    if (version.stage === "Staging") statements.push(cancelPending(db, model.id, version.version, now));
    if (version.stage === "Production") {
      statements.push(setPreviousProduction(db, model.id, version.version, now));
      previousProductionVersion = version.version;
      modelTouched = true;
    }
  }
  if (others?.ok) statements.push(...others.value.statements);
  const before = { stage: version.stage };
  const after = {
    stage: input.to,
    ...(archived !== null ? { archived_version: archived } : {}),
    ...(others?.ok && others.value.versions.length > 0 ? { archived_versions: others.value.versions } : {}),
    ...(verdict.needsReview ? { needs_review: true } : {}),
  };
  return {
    ok: true,
    value: {
      statements,
      model: modelTouched ? { ...model, previousProductionVersion, updatedAt: now } : model,
      // Group commit: the version's other changes wait, and so does any other change that reads or
      // moves the Production slot (the previous Production version, the compatibility baseline).
      conflicts: [
        `version:${version.version}`,
        ...(input.to === "Production" || version.stage === "Production" || guarded ? ["production"] : []),
        ...(others?.ok ? others.value.versions.map((n) => `version:${n}`) : []),
      ],
      chain: model.id,
      modelName: model.name,
      action: input.kind === "fast_track" ? "model_version.fast_tracked" : "model_version.stage_changed",
      target: versionTarget(model, version.version),
      before,
      after,
      event: {
        type: input.to === "Archived" ? "model_version.archived" : "model_version.stage_changed",
        modelId: model.id,
        version: version.version,
        data: {
          before,
          after,
          comment: input.comment,
          via: input.kind,
          ...(input.approvalRequestId ? { approval_request_id: input.approvalRequestId } : {}),
        },
      },
      // Answered from the row read before the change (setStage's patch), not read back (issue 13).
      respond: async () =>
        viewAfter(model.name, version, {
          stage: input.to,
          updatedAt: now,
          ...(input.to === "Production" ? { needsReview: verdict.needsReview } : {}),
        }) ?? view(db, model, version.version)(),
    },
  };
}

/** Archiving the other versions in `stage`: each move judged by the stage machine like any other. */
async function archiveOthers(
  db: Db,
  model: ModelRow,
  version: VersionRow,
  stage: Stage,
  ctx: ChangeContext,
  now: number,
): Promise<LedgerResult<{ statements: Statement[]; versions: number[] }>> {
  // Entering Production already archives the current Production version (see promotion).
  if (stage !== "Staging") return { ok: true, value: { statements: [], versions: [] } };
  const statements: Statement[] = [];
  const versions: number[] = [];
  for (const number of await versionsInStage(db, model.id, stage)) {
    const other = number === version.version ? undefined : await findVersionRow(db, model.id, number);
    if (!other) continue;
    const verdict = stageMachine({
      from: other.stage,
      to: "Archived",
      kind: "transition",
      role: ctx.role,
      isCreator: other.createdBy === ctx.actor.name,
      approved: false,
      failedGates: [],
    });
    if (!verdict.ok) return fail(verdict.code, `cannot archive version ${number}: ${verdict.detail}`);
    statements.push(setStage(db, other, "Archived", now), cancelPending(db, model.id, number, now));
    versions.push(number);
  }
  return { ok: true, value: { statements, versions } };
}

export async function decideRollback(
  db: Db,
  model: ModelRow,
  toVersion: number | undefined,
  ctx: ChangeContext,
  now: number,
): Promise<LedgerResult<Change<RollbackResult>>> {
  const targetNumber = toVersion ?? model.previousProductionVersion;
  if (targetNumber == null) {
    return fail(
      "NO_PREVIOUS_PRODUCTION",
      `model '${model.name}' has no previous Production version to roll back to; pass to_version to pick an archived one`,
    );
  }
  const target = await findVersionRow(db, model.id, targetNumber);
  if (!target) return fail("VERSION_NOT_FOUND", `model '${model.name}' has no version ${targetNumber}`);
  // Retention (issue #6) may have purged an old Archived version's files: it can no longer serve.
  if (target.status === ARTIFACTS_PURGED) {
    return fail(
      "ARTIFACTS_PURGED",
      `version ${targetNumber}'s artifacts were purged by retention; it cannot serve again`,
    );
  }
  const unverified = registrationRefusal(target.status, "Production");
  if (unverified) return fail("VERSION_NOT_READY", unverified);
  const verdict = stageMachine({
    from: target.stage,
    to: "Production",
    kind: "rollback",
    role: ctx.role,
    isCreator: false,
    approved: true,
    failedGates: [],
  });
  if (!verdict.ok) {
    const detail = `cannot roll back to version ${targetNumber}: ${verdict.detail}; only an Archived version can be restored`;
    return fail(verdict.code, verdict.code === "ILLEGAL_TRANSITION" ? detail : verdict.detail);
  }
  const { statements, archived } = await promotion(db, model, target, now, target.needsReview);
  const before = { production_version: archived };
  const after = { production_version: target.version };
  return {
    ok: true,
    value: {
      statements,
      chain: model.id,
      modelName: model.name,
      action: "model.rolled_back",
      target: `model:${model.name}`,
      before,
      after,
      event: {
        type: "model.rolled_back",
        modelId: model.id,
        version: target.version,
        data: { before, after, archived_version: archived, reason: ctx.reason ?? null },
      },
      respond: async () => ({ production_version: target.version, archived_version: archived }),
    },
  };
}

/** An approver other than the admin who fast-tracked the version confirms it; clears needs_review. */
export async function decideSignOff(
  db: Db,
  model: ModelRow,
  version: VersionRow,
  ctx: ChangeContext,
  now: number,
): Promise<LedgerResult<Change<VersionView>>> {
  if (ctx.role !== undefined && !satisfies(ctx.role, "approver")) {
    return fail("PERMISSION_DENIED", `a review sign-off needs the approver role; your token has ${ctx.role}`);
  }
  if (!version.needsReview) {
    return fail("REVIEW_NOT_NEEDED", `version ${model.name}/${version.version} is not flagged for review`);
  }
  const target = versionTarget(model, version.version);
  if ((await fastTrackedBy(db, model.id, target)) === ctx.actor.name) {
    return fail("SELF_APPROVAL", "whoever fast-tracked a version cannot sign off its review");
  }
  const before = { needs_review: true };
  const after = { needs_review: false };
  return {
    ok: true,
    value: {
      statements: [setNeedsReview(db, version.id, false, now)],
      chain: model.id,
      modelName: model.name,
      action: "model_version.review_signed_off",
      target,
      before,
      after,
      event: {
        type: "model_version.updated",
        modelId: model.id,
        version: version.version,
        data: { before, after, review: "signed_off" },
      },
      respond: view(db, model, version.version),
    },
  };
}
