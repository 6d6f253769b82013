/**
 * Reads of one version that the API and the console both answer: the version in scope, its
 * signature compatibility report and its lineage graph. One function each, two renderings.
 */
import type { Context } from "hono";
import { createDb, type Db } from "../db/client";
import { findPreviousVersion, findProductionVersion } from "../db/repos/compat-repo";
import { walkVersions } from "../db/repos/lineage-repo";
import type { ModelRow } from "../db/repos/models-repo";
import { readModelAndVersion } from "../db/repos/versions-repo";
import { buildLineage, type LineageGraph } from "../domain/lineage";
import { inScope } from "../domain/scopes";
import { parseSignature } from "../domain/signature";
import { compareSignatures } from "../domain/signature-compat";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/problem";
import { assertVisible } from "../routes/context";
import type { VersionView } from "../schemas/versions";

export async function versionOr404(c: Context<AppEnv>, name: string, version: number) {
  assertVisible(c, name);
  const db = createDb(c.env.DB);
  // Model, version and the row id (lineage walks start from it) in one round trip.
  const found = await readModelAndVersion(db, name, version);
  if (!found) throw new ApiError("MODEL_NOT_FOUND", `model '${name}' does not exist`);
  if (!found.version) throw new ApiError("VERSION_NOT_FOUND", `model '${name}' has no version ${version}`);
  return { db, model: found.model, view: found.version.view, versionId: found.version.id };
}

/** A stored signature that no longer validates (written before validation existed) counts as none. */
const signatureOf = (raw: unknown) => parseSignature(raw).signature;

/** The version's signature against the previous version and the Production one. */
export async function compatibilityReport(db: Db, model: ModelRow, view: VersionView) {
  const mine = signatureOf(view.signature);
  const [previous, production] = await Promise.all([
    findPreviousVersion(db, model.id, view.version),
    findProductionVersion(db, model.id),
  ]);
  const against = (other: { version: number; signature: unknown } | undefined) =>
    other && other.version !== view.version
      ? { version: other.version, ...compareSignatures(signatureOf(other.signature), mine) }
      : null;
  const report = { previous: against(previous), production: against(production) };
  return {
    name: model.name,
    version: view.version,
    has_signature: mine !== null,
    ...report,
    breaking: Boolean(report.previous?.breaking || report.production?.breaking),
  };
}

/** The lineage graph around a version, as far as the caller's scopes can see. */
export async function versionLineage(
  c: Context<AppEnv>,
  db: Db,
  versionId: string,
  direction: "upstream" | "downstream",
  depth: number,
): Promise<LineageGraph> {
  // One hop further than asked, so the answer can say whether the depth limit cut anything off.
  const walked = await walkVersions(db, versionId, direction, depth + 1);
  const scopes = c.get("actor").scopes;
  return buildLineage(walked, versionId, direction, depth, (n) => inScope(scopes, n));
}
