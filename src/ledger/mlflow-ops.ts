/**
 * Decisions for the two changes the MLflow registry API has and the native API does not:
 * renaming a registered model and deleting a single version. Version numbers are never reused:
 * `models.last_version` keeps the highest number ever allocated, so a deleted version's number stays
 * taken (and answers 404 from then on).
 */
import type { Db } from "../db/client";
import { deleteVersionCascade, renameParentLinks, renameRisk } from "../db/repos/mlflow-repo";
import { findModelRow, type ModelRow, touchModel } from "../db/repos/models-repo";
import { readPolicy } from "../db/repos/policies-repo";
import { versionsInActiveRollout } from "../db/repos/rollouts-repo";
import type { VersionRow } from "../db/repos/versions-repo";
import { satisfies } from "../domain/roles";
import { type Change, type ChangeContext, fail, type LedgerResult, nothingToWrite } from "./ledger-types";

/**
 * Renames a model. The ledger instance is chosen by name, so from now on the new name's instance is
 * the writer; a stale write through the old name finds no model, and the audit chain is keyed by the
 * model id, so UNIQUE(chain, seq) still refuses any interleaving across the two instances.
 * Serving nodes resolve models by name: renaming one that serves (a Production version) or holds a
 * protected alias needs the approver role. Children recorded under the old name follow the rename.
 */
export async function decideRenameModel(
  db: Db,
  model: ModelRow,
  newName: string,
  now: number,
  ctx: ChangeContext,
): Promise<LedgerResult<Change<{ name: string }>>> {
  if (newName === model.name) {
    return { ok: true, value: noChange(model, { name: newName }) };
  }
  if (ctx.role !== undefined && !satisfies(ctx.role, "approver")) {
    const risk = await renameRisk(db, model.id, (await readPolicy(db, model.id)).protected_aliases);
    if (risk.production || risk.protectedAliases.length > 0) {
      const why = risk.production
        ? "it has a version in Production"
        : `it holds protected aliases (${risk.protectedAliases.join(", ")})`;
      return fail("PERMISSION_DENIED", `renaming '${model.name}' needs the approver role: ${why}`);
    }
  }
  if (await findModelRow(db, newName))
    return fail("MODEL_ALREADY_EXISTS", `model '${newName}' already exists`);
  const before = { name: model.name };
  const after = { name: newName };
  return {
    ok: true,
    value: {
      statements: [
        touchModel(db, model.id, now, { name: newName }),
        renameParentLinks(db, model.name, newName),
      ],
      chain: model.id,
      modelName: newName,
      action: "model.renamed",
      target: `model:${model.name}`,
      before,
      after,
      event: { type: "model.updated", modelId: model.id, version: null, data: { before, after } },
      respond: async () => after,
    },
  };
}

/** Deletes one version with its tags and the aliases that point at it (as MLflow does). */
export async function decideDeleteVersion(
  db: Db,
  model: ModelRow,
  version: VersionRow,
  now: number,
): Promise<LedgerResult<Change<null>>> {
  // Same rule as deleting a model: what serves or is about to serve must be archived first.
  if (version.stage === "Staging" || version.stage === "Production") {
    return fail(
      "MODEL_HAS_ACTIVE_VERSIONS",
      `archive v${version.version} (${version.stage}) of '${model.name}' before deleting it`,
    );
  }
  if (await versionsInActiveRollout(db, model.id, [version.version])) {
    return fail("ROLLOUT_IN_PROGRESS", `v${version.version} of '${model.name}' is part of an active rollout`);
  }
  const before = { version: version.version, stage: version.stage, manifest_digest: version.manifestDigest };
  return {
    ok: true,
    value: {
      statements: [
        ...deleteVersionCascade(db, model.id, version.id, version.version),
        touchModel(db, model.id, now),
      ],
      chain: model.id,
      modelName: model.name,
      action: "model_version.deleted",
      target: `model:${model.name}/versions/${version.version}`,
      before,
      after: null,
      event: {
        type: "model_version.deleted",
        modelId: model.id,
        version: version.version,
        data: { before, after: null },
      },
      respond: async () => null,
    },
  };
}

function noChange<T>(model: ModelRow, value: T): Change<T> {
  return nothingToWrite(model.id, model.name, async () => value);
}
