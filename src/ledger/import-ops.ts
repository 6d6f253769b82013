/**
 * Importing a version under the number it had in another registry (`registry import-mlflow`).
 *
 * Numbers stay unique and are never reused: an import may only take a number above every number
 * the model has ever allocated (`models.last_version`), so it can never land between or on top of
 * versions registered here, and a concurrent registration simply takes the number after it (both
 * go through this ledger, one at a time; UNIQUE(model_id, version) is the backstop). The numbers it
 * skips are the source's deleted versions: they count as taken, exactly like a version deleted
 * through the MLflow API here. Re-importing the same version (same number, source, run, files and
 * creation time) answers the version already there, so a resumed import never duplicates.
 */
import type { Db } from "../db/client";
import { clearGcMarks } from "../db/repos/blob-gc-repo";
import { insertVersionIndexes } from "../db/repos/discovery-index-repo";
import { type ModelRow, touchModel } from "../db/repos/models-repo";
import { findProductionVersion } from "../db/repos/stages-repo";
import { findVersionRow, insertVersion, readVersionView, type VersionRow } from "../db/repos/versions-repo";
import { manifestDigest, sortManifest } from "../domain/version-record";
import type { ImportVersionInput, VersionView } from "../schemas/versions";
import { type Change, type ChangeContext, fail, type LedgerResult, nothingToWrite } from "./ledger-types";
import { buildVersionRow, viewOfNewRow } from "./version-ops";

/** True when `row` is what importing `input` would have written (the resume case). */
async function sameImport(row: VersionRow, input: ImportVersionInput): Promise<boolean> {
  return (
    row.sourceUri === (input.source.uri ?? null) &&
    row.runId === (input.source.run_id ?? null) &&
    row.createdAt === input.imported.created_at &&
    row.manifestDigest === (await manifestDigest(sortManifest(input.files)))
  );
}

export async function decideImportVersion(
  db: Db,
  model: ModelRow,
  version: number,
  input: ImportVersionInput,
  ctx: ChangeContext,
  now: number,
): Promise<LedgerResult<Change<ImportResult>>> {
  const existing = await findVersionRow(db, model.id, version);
  if (existing) {
    if (!(await sameImport(existing, input))) {
      return fail("VERSION_EXISTS", `'${model.name}' already has a different version ${version}`);
    }
    const found = await readVersionView(db, model, version);
    if (!found) return fail("VERSION_NOT_FOUND", `'${model.name}' has no version ${version}`);
    return { ok: true, value: unchanged(model, found) };
  }
  if (version <= model.lastVersion) {
    return fail(
      "VERSION_NUMBER_TAKEN",
      `'${model.name}' has allocated numbers up to ${model.lastVersion}; numbers are never reused, so an import can only add versions above it`,
    );
  }
  const { imported } = input;
  if (imported.stage === "Production" && (await findProductionVersion(db, model.id))) {
    return fail("ILLEGAL_TRANSITION", `'${model.name}' already has a version in Production (at most one)`);
  }
  const base = await buildVersionRow(model, version, input, ctx, now);
  const row = {
    ...base,
    stage: imported.stage,
    status: imported.status,
    createdBy: imported.created_by,
    createdAt: imported.created_at,
    updatedAt: imported.updated_at,
  };
  const skipped = version - model.lastVersion - 1;
  const after = {
    version,
    manifest_digest: row.manifestDigest,
    run_id: row.runId,
    stage: row.stage,
    status: row.status,
    imported_from: imported.from,
    ...(skipped > 0 ? { numbers_skipped: { from: model.lastVersion + 1, to: version - 1 } } : {}),
  };
  return {
    ok: true,
    value: {
      statements: [
        ...insertVersion(db, row, input.tags),
        ...insertVersionIndexes(db, row.id, model.id, input),
        touchModel(db, model.id, now, { lastVersion: version }),
        // Blob GC must never delete what this version takes: its marks go in the same batch.
        ...clearGcMarks(
          db,
          row.files.map((f) => f.digest),
        ),
      ],
      chain: model.id,
      modelName: model.name,
      action: "model_version.imported",
      target: `model:${model.name}/versions/${version}`,
      before: null,
      after,
      event: { type: "model_version.created", modelId: model.id, version, data: { before: null, after } },
      respond: async () => ({ created: true, version: viewOfNewRow(model, row, input.tags) }),
    },
  };
}

/** The version, and whether this call wrote it (false: it was there from an earlier run). */
export interface ImportResult {
  created: boolean;
  version: VersionView;
}

function unchanged(model: ModelRow, view: VersionView): Change<ImportResult> {
  return nothingToWrite(model.id, model.name, async () => ({ created: false, version: view }));
}
