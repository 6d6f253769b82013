/**
 * Rollout steps the API handlers and the console both take (issue 18): find a rollout the caller
 * may see, act on it through its model's ledger, list a model's rollouts with their history.
 * One function per step, so a page and a handler never grow twins.
 */
import type { Db } from "../db/client";
import { findModelRow } from "../db/repos/models-repo";
import { findRolloutWithModel, listRollouts } from "../db/repos/rollouts-repo";
import type { RolloutStatus } from "../domain/rollouts/rollout";
import { inScope } from "../domain/scopes";
import { ledgerFor, unwrap } from "../ledger/ledger-client";
import type { ChangeContext } from "../ledger/ledger-types";
import { ApiError } from "../lib/problem";
import type { RolloutView } from "../schemas/rollouts";

export type RolloutMove = "advance" | "promote" | "abort";

/**
 * Advances, promotes or aborts a rollout by id. A rollout of a model outside the caller's scopes
 * looks exactly like one that does not exist.
 */
export async function moveRollout(
  env: Env,
  db: Db,
  scopes: string[] | null,
  id: string,
  move: RolloutMove,
  ctx: ChangeContext,
): Promise<RolloutView> {
  const found = await findRolloutWithModel(db, id);
  if (!found || !inScope(scopes, found.modelName)) {
    throw new ApiError("ROLLOUT_NOT_FOUND", `rollout '${id}' does not exist`);
  }
  const ledger = ledgerFor(env, found.modelName);
  const name = found.modelName;
  const result =
    move === "advance"
      ? await ledger.advanceRollout(name, id, ctx)
      : move === "promote"
        ? await ledger.promoteRollout(name, id, ctx)
        : await ledger.abortRollout(name, id, ctx);
  return unwrap(result);
}

/** A model's rollouts, newest first, each with its history (MODEL_NOT_FOUND when out of scope). */
export async function modelRollouts(
  db: Db,
  scopes: string[] | null,
  name: string,
  opts: { status?: RolloutStatus | undefined; pageSize: number; pageToken?: string | undefined },
) {
  const model = inScope(scopes, name) ? await findModelRow(db, name) : undefined;
  if (!model) throw new ApiError("MODEL_NOT_FOUND", `model '${name}' does not exist`);
  return listRollouts(db, model, opts);
}
