/**
 * Reads of one version that the API and the console both answer: the version in scope, its
 * signature compatibility report and its lineage graph. One function each, two renderings.
 */
import type { Context } from "hono";
import { createDb, type Db } from "../db/client";
import { aliasRowsQuery, withEtags } from "../db/repos/aliases-repo";
import {
  findPreviousVersion,
  findProductionVersion,
  previousVersionQuery,
  productionVersionQuery,
} from "../db/repos/compat-repo";
import { toWalkedVersions, walkBothWaysQuery, walkVersions } from "../db/repos/lineage-repo";
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
  const [previous, production] = await Promise.all([
    findPreviousVersion(db, model.id, view.version),
    findProductionVersion(db, model.id),
  ]);
  return compatibilityOf(model, view, previous, production);
}

type Compared = { version: number; signature: unknown } | undefined;

function compatibilityOf(model: ModelRow, view: VersionView, previous: Compared, production: Compared) {
  const mine = signatureOf(view.signature);
  const against = (other: Compared) =>
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

/**
 * What the version page shows around a version — the compatibility report, the model's aliases
 * with their ETags, and the lineage up and down — read in two calls into D1 side by side
 * (one batch, one statement for both walks) instead of five: each call costs about as much as the
 * whole JSON twin of the page.
 */
export async function versionSurroundings(
  c: Context<AppEnv>,
  db: Db,
  model: ModelRow,
  view: VersionView,
  versionId: string,
  depth: { up: number; down: number },
) {
  // One hop further than asked, so the answer can say whether the depth limit cut anything off.
  // (drizzle's D1 batch cannot carry a raw statement with parameters, so the walks go beside it.)
  const [[previous, production, aliasRows], walked] = await Promise.all([
    db.batch([
      previousVersionQuery(db, model.id, view.version),
      productionVersionQuery(db, model.id),
      aliasRowsQuery(db, model.id),
    ]),
    walkBothWaysQuery(db, versionId, depth.up + 1, depth.down + 1),
  ]);
  const upRows = walked.filter((r) => r.dir === "upstream");
  const downRows = walked.filter((r) => r.dir === "downstream");
  const scopes = c.get("actor").scopes;
  const visible = (n: string) => inScope(scopes, n);
  return {
    compat: compatibilityOf(model, view, previous[0], production[0]),
    aliases: withEtags(aliasRows),
    up: buildLineage(toWalkedVersions(upRows), versionId, "upstream", depth.up, visible),
    down: buildLineage(toWalkedVersions(downRows), versionId, "downstream", depth.down, visible),
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
