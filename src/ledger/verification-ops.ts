/**
 * Settling a version registered while some of its chunked files were not yet verified (issue 16):
 * PENDING_REGISTRATION → READY when every file is verified, or FAILED_REGISTRATION naming the files
 * whose chunks did not hash to their digest. Decided on fresh recipe state, written with its audit
 * entry and the `model_version.verified` event like every other change.
 */
import type { Db } from "../db/client";
import type { ModelRow } from "../db/repos/models-repo";
import { recipeStatuses } from "../db/repos/recipes-repo";
import { readVersionView, updateVersion, type VersionRow } from "../db/repos/versions-repo";
import type { FileEntry } from "../domain/version-record";
import type { VersionView } from "../schemas/versions";
import { type Change, fail, type LedgerResult } from "./ledger-types";

export const PENDING_REGISTRATION = "PENDING_REGISTRATION";
export const FAILED_REGISTRATION = "FAILED_REGISTRATION";

export interface FileVerdict {
  status: "READY" | typeof PENDING_REGISTRATION | typeof FAILED_REGISTRATION;
  failed: { path: string; digest: string; reason: string }[];
}

/** A version's status from its files' recipes: files with no recipe are single verified blobs. */
export async function filesVerdict(db: Db, files: FileEntry[]): Promise<FileVerdict> {
  if (files.length === 0) return { status: "READY", failed: [] };
  const recipes = await recipeStatuses(
    db,
    files.map((f) => f.digest.slice("sha256:".length)),
  );
  const failed: FileVerdict["failed"] = [];
  let pending = false;
  for (const f of files) {
    const recipe = recipes.get(f.digest.slice("sha256:".length));
    if (recipe?.status === "failed")
      failed.push({ path: f.path, digest: f.digest, reason: recipe.detail ?? "failed" });
    if (recipe?.status === "pending") pending = true;
  }
  if (failed.length > 0) return { status: FAILED_REGISTRATION, failed };
  return { status: pending ? PENDING_REGISTRATION : "READY", failed };
}

export async function decideSettleVerification(
  db: Db,
  model: ModelRow,
  version: VersionRow,
  now: number,
): Promise<LedgerResult<Change<VersionView>>> {
  if (version.status !== PENDING_REGISTRATION) {
    return fail(
      "PRECONDITION_FAILED",
      `version ${model.name}/${version.version} is ${version.status}, not pending`,
    );
  }
  const verdict = await filesVerdict(db, version.files);
  if (verdict.status === PENDING_REGISTRATION) {
    return fail("VERSION_NOT_READY", `version ${model.name}/${version.version} still has unverified files`);
  }
  const before = { status: PENDING_REGISTRATION };
  const after = {
    status: verdict.status,
    ...(verdict.failed.length > 0 ? { failed_files: verdict.failed } : {}),
  };
  return {
    ok: true,
    value: {
      statements: [updateVersion(db, version.id, { status: verdict.status, updatedAt: now })],
      chain: model.id,
      modelName: model.name,
      action: "model_version.verified",
      target: `model:${model.name}/versions/${version.version}`,
      before,
      after,
      event: {
        type: "model_version.verified",
        modelId: model.id,
        version: version.version,
        data: { before, after },
      },
      respond: async () => {
        const found = await readVersionView(db, model, version.version);
        if (!found) throw new Error(`version ${model.name}/${version.version} vanished after commit`);
        return found;
      },
    },
  };
}
