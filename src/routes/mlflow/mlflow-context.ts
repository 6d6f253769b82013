/** What the MLflow handlers share: scope checks, ledger results and reads in MLflow's terms. */
import type { Context } from "hono";
import { createDb } from "../../db/client";
import { readMlflowModel, readMlflowVersion } from "../../db/repos/mlflow-repo";
import { inScope } from "../../domain/scopes";
import type { AppEnv } from "../../env";
import type { LedgerResult } from "../../ledger/ledger-types";
import { fromCode, MlflowError, modelNotFound, type Subject, versionNotFound } from "../../mlflow/errors";
import type { MlflowModelRecord, MlflowVersionRecord } from "../../mlflow/shapes";
import type { VersionView } from "../../schemas/versions";

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

/** A key JavaScript puts first in an object whatever its insertion order (an array index). */
const INDEX_KEY = /^(0|[1-9][0-9]*)$/;

/**
 * The MLflow record of the version a ledger change answered with (issue 13: an MLflow write answers
 * from the ledger's result, not a D1 read-back). Tags must come out in insertion order, as MLflow
 * lists them: `order` gives it when the caller knows it (a registration: its request's tags);
 * otherwise the view's own key order is used (the ledger reads tags in insertion order), unless a
 * key is an array index, which JavaScript reorders. A replayed answer was read with tags sorted.
 * Null when the order cannot be told: read the version back.
 */
export function recordFromLedger(
  result: { value: VersionView; replayed?: boolean },
  order?: string[],
): MlflowVersionRecord | null {
  const view = result.value;
  if (result.replayed) return null;
  const keys = Object.keys(view.tags);
  let tags: [string, string][];
  if (order) {
    if (order.length !== keys.length || order.some((k) => !(k in view.tags))) return null;
    tags = order.map((k) => [k, view.tags[k] as string]);
  } else {
    if (keys.some((k) => INDEX_KEY.test(k))) return null;
    tags = Object.entries(view.tags);
  }
  return {
    name: view.name,
    version: view.version,
    createdAt: Date.parse(view.created_at),
    updatedAt: Date.parse(view.updated_at),
    stage: view.stage,
    description: view.description,
    source: view.source.uri ?? "",
    runId: view.source.run_id ?? "",
    runLink: view.source.run_link ?? "",
    status: view.status,
    tags,
    aliases: view.aliases,
    fileCount: view.files.length,
  };
}

/** A ledger change's version in MLflow's shape: from its result, or read back when it must be. */
export async function versionAfterChange(
  c: Context<AppEnv>,
  result: LedgerResult<VersionView>,
  subject: { name: string; version?: number },
  order?: string[],
): Promise<MlflowVersionRecord> {
  const view = must(result, subject);
  const record = result.ok ? recordFromLedger(result, order) : null;
  return record ?? versionRecord(c, subject.name, view.version);
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
