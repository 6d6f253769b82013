/** Decisions for model versions: registration, description and tags. */
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { clearGcMarks } from "../db/repos/blob-gc-repo";
import { insertVersionIndexes } from "../db/repos/discovery-index-repo";
import { findModelRow, type ModelRow, touchModel } from "../db/repos/models-repo";
import { readPolicy } from "../db/repos/policies-repo";
import {
  deleteVersionTag,
  findVersionRow,
  insertVersion,
  readVersionView,
  toVersionView,
  updateVersion,
  upsertVersionTags,
  type VersionRow,
} from "../db/repos/versions-repo";
import { versionTags } from "../db/schema";
import { inScope } from "../domain/scopes";
import { manifestDigest, manifestSize, sortManifest } from "../domain/version-record";
import { newId } from "../lib/ids";
import type { CreateVersionInput, VersionView } from "../schemas/versions";
import { type Change, type ChangeContext, fail, type LedgerResult } from "./ledger-types";
import { registrationChecks } from "./registration-checks";
import { filesVerdict } from "./verification-ops";

const view = (db: Db, model: ModelRow, version: number) => async () => {
  const found = await readVersionView(db, model, version);
  if (!found) throw new Error(`version ${model.name}/${version} vanished after commit`);
  return found;
};

export async function decideCreateVersion(
  db: Db,
  model: ModelRow,
  input: CreateVersionInput,
  ctx: ChangeContext,
  now: number,
  /** The ledger passes its head state's policy (issue 13); D1 otherwise. */
  policyOf: typeof readPolicy = readPolicy,
): Promise<LedgerResult<Change<VersionView>>> {
  if (input.parent) {
    // A parent outside the caller's scopes is exactly as absent: same answer, no lineage link.
    const parentModel = !inScope(ctx.scopes ?? null, input.parent.model)
      ? undefined
      : input.parent.model === model.name
        ? model
        : await findModelRow(db, input.parent.model);
    const parent = parentModel ? await findVersionRow(db, parentModel.id, input.parent.version) : undefined;
    if (!parent) {
      return fail("INVALID_ARGUMENT", `parent ${input.parent.model}/${input.parent.version} does not exist`, [
        { path: "parent", message: "no such model version" },
      ]);
    }
  }
  // Independent reads: one round trip, not two, on the serialised path (issue 16's verdict).
  const [policy, verdict] = await Promise.all([
    policyOf(db, model.id),
    filesVerdict(db, sortManifest(input.files)),
  ]);
  const checked = await registrationChecks(db, policy, input);
  if (!checked.ok) return checked;
  const tags = checked.value.tags;
  const version = model.lastVersion + 1;
  const row = await buildVersionRow(model, version, input, ctx, now);
  const files = row.files;
  // Issue 16: a file stored in chunks counts only once the server has hashed it (Invariant 2).
  const { status } = verdict;
  row.status = status;
  const after = {
    version,
    manifest_digest: row.manifestDigest,
    run_id: row.runId,
    stage: "None",
    ...(status === "READY" ? {} : { status }),
    ...(checked.value.registrationGates ? { registration_gates: checked.value.registrationGates } : {}),
    ...(input.copy_from ? { copied_from: input.copy_from } : {}),
  };
  // A copy (issue #19) is a registration like any other, announced as what it is.
  const type = input.copy_from ? "model_version.copied" : "model_version.created";
  return {
    ok: true,
    value: {
      statements: [
        ...insertVersion(db, row, tags),
        ...insertVersionIndexes(db, row.id, model.id, input),
        touchModel(db, model.id, now, { lastVersion: version }),
        // Blob GC must never delete what this version takes: its marks go in the same batch.
        ...clearGcMarks(
          db,
          files.map((f) => f.digest),
        ),
      ],
      model: { ...model, lastVersion: version, updatedAt: now },
      chain: model.id,
      modelName: model.name,
      action: type,
      target: `model:${model.name}/versions/${version}`,
      before: null,
      after,
      event: { type, modelId: model.id, version, data: { before: null, after } },
      ref: { kind: "version", name: model.name, version },
      lastVersion: version,
      // A new version is answered from the row just written: nothing else can have changed it
      // (its ledger is still serialised) and no alias can point at it yet. Saves a D1 round trip.
      respond: async () => viewOfNewRow(model, row, tags),
    },
  };
}

export type NewVersionRow = Awaited<ReturnType<typeof buildVersionRow>>;

/** The row a new version is written as (shared by registration and import). */
export async function buildVersionRow(
  model: ModelRow,
  version: number,
  input: CreateVersionInput,
  ctx: ChangeContext,
  now: number,
) {
  const files = sortManifest(input.files);
  return {
    id: newId("ver"),
    modelId: model.id,
    version,
    description: input.description,
    stage: "None" as VersionRow["stage"],
    status: "READY",
    createdBy: ctx.actor.name,
    createdAt: now,
    updatedAt: now,
    needsReview: false,
    runId: input.source.run_id ?? null,
    sourceUri: input.source.uri ?? null,
    params: input.params,
    metrics: input.metrics,
    slices: input.slices,
    datasets: input.datasets,
    provenance: input.source,
    parentModel: input.parent?.model ?? null,
    parentVersion: input.parent?.version ?? null,
    signature: input.signature ?? null,
    modelCard: input.model_card ?? null,
    inputExample: input.input_example ?? null,
    files,
    manifestDigest: await manifestDigest(files),
    totalSize: manifestSize(files),
  };
}

/** A version's view built from the row just written (no alias can point at it yet). */
export function viewOfNewRow(model: ModelRow, row: NewVersionRow, tags: Record<string, string>): VersionView {
  return toVersionView(model.name, {
    ...row,
    tags: JSON.stringify(Object.fromEntries(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : 1)))),
    aliases: "[]",
  });
}

type VersionChange = Omit<Change<VersionView>, "chain" | "modelName" | "event" | "respond"> & {
  version: VersionRow;
};

function versionChange(db: Db, model: ModelRow, c: VersionChange): LedgerResult<Change<VersionView>> {
  return {
    ok: true,
    value: {
      ...c,
      chain: model.id,
      modelName: model.name,
      event: {
        type: "model_version.updated",
        modelId: model.id,
        version: c.version.version,
        data: { before: c.before, after: c.after },
      },
      respond: view(db, model, c.version.version),
    },
  };
}

export async function decideUpdateVersion(
  db: Db,
  model: ModelRow,
  version: VersionRow,
  description: string,
  now: number,
) {
  return versionChange(db, model, {
    version,
    statements: [updateVersion(db, version.id, { description, updatedAt: now })],
    action: "model_version.updated",
    target: `model:${model.name}/versions/${version.version}`,
    before: { description: version.description },
    after: { description },
  });
}

async function currentTag(db: Db, versionId: string, key: string) {
  return db
    .select({ value: versionTags.value })
    .from(versionTags)
    .where(and(eq(versionTags.versionId, versionId), eq(versionTags.key, key)))
    .get();
}

export async function decideSetVersionTag(
  db: Db,
  model: ModelRow,
  version: VersionRow,
  key: string,
  value: string,
  now: number,
) {
  const current = await currentTag(db, version.id, key);
  if (!current && (await db.$count(versionTags, eq(versionTags.versionId, version.id))) >= 100) {
    return fail("INVALID_ARGUMENT", "a version has at most 100 tags");
  }
  return versionChange(db, model, {
    version,
    statements: [
      ...upsertVersionTags(db, version.id, { [key]: value }),
      updateVersion(db, version.id, { updatedAt: now }),
    ],
    action: "model_version.tag_set",
    target: `model:${model.name}/versions/${version.version}/tags/${key}`,
    before: { tags: current ? { [key]: current.value } : {} },
    after: { tags: { [key]: value } },
  });
}

export async function decideDeleteVersionTag(
  db: Db,
  model: ModelRow,
  version: VersionRow,
  key: string,
  now: number,
) {
  const current = await currentTag(db, version.id, key);
  if (!current) return fail("NOT_FOUND", `version ${model.name}/${version.version} has no tag '${key}'`);
  return versionChange(db, model, {
    version,
    statements: [deleteVersionTag(db, version.id, key), updateVersion(db, version.id, { updatedAt: now })],
    action: "model_version.tag_deleted",
    target: `model:${model.name}/versions/${version.version}/tags/${key}`,
    before: { tags: { [key]: current.value } },
    after: { tags: {} },
  });
}
