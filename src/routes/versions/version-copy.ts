/**
 * `copy_from` (issue #19, MLflow's copy_model_version): the registration input that copies another
 * model's version here — its metadata record and manifest (blobs are content-addressed, so nothing
 * is copied) with the source as its parent, which is the lineage edge. Shared by `/api/v1` and the
 * MLflow facade.
 */
import type { Context } from "hono";
import { createDb } from "../../db/client";
import { readVersionView } from "../../db/repos/versions-repo";
import { ARTIFACTS_PURGED } from "../../domain/retention";
import type { AppEnv } from "../../env";
import { ApiError } from "../../lib/problem";
import type { CreateVersionInput } from "../../schemas/versions";
import { modelRowOr404 } from "../context";

const COPY_EXCLUSIVE = ["params", "metrics", "slices", "datasets", "files"] as const;

/** Refuses a copy that also brings its own record: only description and tags may come with it. */
function assertCopyOnly(input: CreateVersionInput): void {
  const extra = [
    ...COPY_EXCLUSIVE.filter((k) => Object.keys(input[k]).length > 0),
    ...(Object.keys(input.source).length > 0 ? ["source"] : []),
    ...(["parent", "signature", "model_card", "input_example"] as const).filter(
      (k) => input[k] !== undefined,
    ),
  ];
  if (extra.length > 0) {
    throw new ApiError(
      "INVALID_ARGUMENT",
      "copy_from copies the source's record; only description and tags may be given beside it",
      extra.map((path) => ({ path, message: "not allowed with copy_from" })),
    );
  }
}

/**
 * The source, read with the caller's scopes (out of scope looks like not found), turned into the
 * registration input. The target's own policy still judges it in the target's ledger.
 */
export async function copyInput(c: Context<AppEnv>, input: CreateVersionInput): Promise<CreateVersionInput> {
  const from = input.copy_from;
  if (!from) return input;
  assertCopyOnly(input);
  const db = createDb(c.env.DB);
  const model = await modelRowOr404(c, db, from.model);
  const source = await readVersionView(db, model, from.version);
  if (!source)
    throw new ApiError("VERSION_NOT_FOUND", `model '${from.model}' has no version ${from.version}`);
  if (source.status === ARTIFACTS_PURGED) {
    throw new ApiError("ARTIFACTS_PURGED", `version ${from.model}/${from.version}'s artifacts were purged`);
  }
  return {
    description: input.description || source.description,
    tags: { ...source.tags, ...input.tags },
    params: source.params,
    metrics: source.metrics,
    slices: source.slices,
    datasets: source.datasets,
    source: source.source,
    parent: { model: source.name, version: source.version },
    ...(source.signature ? { signature: source.signature } : {}),
    ...(source.model_card ? { model_card: source.model_card } : {}),
    ...(source.input_example !== undefined ? { input_example: source.input_example } : {}),
    files: source.files,
    copy_from: from,
  };
}
