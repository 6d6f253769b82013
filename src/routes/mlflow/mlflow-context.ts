/** What the MLflow handlers share: scope checks, ledger results and reads in MLflow's terms. */
import type { Context } from "hono";
import { createDb } from "../../db/client";
import { readMlflowModel, readMlflowVersion } from "../../db/repos/mlflow-repo";
import { inScope } from "../../domain/scopes";
import type { AppEnv } from "../../env";
import type { LedgerResult } from "../../ledger/ledger-types";
import { fromCode, MlflowError, modelNotFound, type Subject, versionNotFound } from "../../mlflow/errors";
import type { MlflowModelRecord, MlflowVersionRecord } from "../../mlflow/shapes";

/** Out of a token's scope, a model looks exactly like one that does not exist. */
export function assertVisible(c: Context<AppEnv>, name: string): void {
  if (!inScope(c.get("actor").scopes, name)) throw modelNotFound(name);
}

/**
 * Deleting a tag or alias that is not there succeeds in MLflow (its store skips it); our ledger
 * refuses with NOT_FOUND / ALIAS_NOT_FOUND, which MLflow callers must not see. A missing model or
 * version still fails.
 */
export function mustUnlessAbsent(result: LedgerResult<unknown>, subject: Subject): void {
  if (!result.ok && (result.code === "NOT_FOUND" || result.code === "ALIAS_NOT_FOUND")) return;
  must(result, subject);
}

/** A ledger result's value, or the MLflow error for its refusal. */
export function must<T>(result: LedgerResult<T>, subject: Subject): T {
  if (!result.ok) throw fromCode(result.code, result.detail, subject);
  return result.value;
}

export async function modelRecord(c: Context<AppEnv>, name: string): Promise<MlflowModelRecord> {
  const found = await readMlflowModel(createDb(c.env.DB), name);
  if (!found) throw modelNotFound(name);
  return found;
}

export async function versionRecord(
  c: Context<AppEnv>,
  name: string,
  version: number,
): Promise<MlflowVersionRecord> {
  const found = await readMlflowVersion(createDb(c.env.DB), name, version);
  if (found) return found;
  // MLflow says which is missing: the model, or only the version.
  if (!(await readMlflowModel(createDb(c.env.DB), name))) throw modelNotFound(name);
  throw versionNotFound(name, version);
}

const STAGES = ["None", "Staging", "Production", "Archived"] as const;
export type Stage = (typeof STAGES)[number];

/** MLflow accepts stage names in any case ("production") and answers with the canonical one. */
export function canonicalStage(stage: string): Stage {
  const found = STAGES.find((s) => s.toLowerCase() === stage.toLowerCase());
  if (!found) {
    throw new MlflowError(
      "INVALID_PARAMETER_VALUE",
      `Invalid Model Version stage: ${stage}. Value must be one of ${STAGES.join(", ")}.`,
    );
  }
  return found;
}
