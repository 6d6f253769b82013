/**
 * Decisions for progressive rollouts (issue 18): start, advance, complete, abort, roll back.
 *
 * A rollout is model state, so every one of these runs inside the model's ledger on fresh state
 * and writes one batch with its audit entry and its `rollout.*` event. The alias row keeps naming
 * the stable version until the rollout completes; only completing moves it.
 */
import type { Db } from "../db/client";
import { findAlias, upsertAlias } from "../db/repos/aliases-repo";
import { hasApprovedRequest } from "../db/repos/approvals-repo";
import { type ModelRow, touchModel } from "../db/repos/models-repo";
import {
  activeRollout,
  insertRollout,
  type RolloutRow,
  toRolloutView,
  updateRollout,
} from "../db/repos/rollouts-repo";
import { findVersionRow } from "../db/repos/versions-repo";
import { guardLabel } from "../domain/rollouts/guards";
import {
  type GuardBreach,
  nextStep,
  planSteps,
  type RolloutAction,
  type RolloutStatus,
} from "../domain/rollouts/rollout";
import { newId } from "../lib/ids";
import { RESERVED_ALIASES } from "../schemas/aliases";
import type { CreateRolloutInput, RolloutView } from "../schemas/rollouts";
import { protectedAliasRefusal } from "./alias-ops";
import { type Change, type ChangeContext, fail, type LedgerResult } from "./ledger-types";

export type Decision = Promise<LedgerResult<Change<RolloutView>>>;

/** The change that writes `next` over `row`, audited as `rollout.<action>`, announcing it. */
function rolloutChange(
  db: Db,
  model: ModelRow,
  row: RolloutRow,
  next: RolloutRow,
  action: RolloutAction,
  extra: { statements?: Change<RolloutView>["statements"]; data?: Record<string, unknown> } = {},
): Change<RolloutView> {
  const brief = (r: RolloutRow) => ({ status: r.status, weight: r.weight });
  const first = action === "started";
  return {
    statements: [
      first ? insertRollout(db, next) : updateRollout(db, next.id, next),
      ...(extra.statements ?? []),
      touchModel(db, model.id, next.updatedAt),
    ],
    chain: model.id,
    modelName: model.name,
    action: `rollout.${action}`,
    target: `model:${model.name}/rollouts/${next.id}`,
    before: first ? null : brief(row),
    after: brief(next),
    event: {
      type: `rollout.${action}`,
      modelId: model.id,
      version: next.version,
      data: {
        rollout_id: next.id,
        alias: next.alias,
        from_version: next.fromVersion,
        version: next.version,
        weight: next.weight,
        status: next.status,
        before: first ? null : brief(row),
        after: brief(next),
        ...extra.data,
      },
    },
    respond: async () => toRolloutView(next, model.name),
  };
}

/** `row` moved on: new fields, one more history entry, stamped `now` by `actor`. */
function moved(
  row: RolloutRow,
  action: RolloutAction,
  patch: Partial<RolloutRow>,
  actor: string,
  now: number,
  detail?: string,
): RolloutRow {
  const next = { ...row, ...patch, updatedAt: now };
  const ended = (["completed", "rolled_back", "aborted"] as RolloutStatus[]).includes(next.status);
  return {
    ...next,
    endedAt: ended ? now : null,
    history: [...row.history, { at: now, action, weight: next.weight, actor, ...(detail ? { detail } : {}) }],
  };
}

export async function decideStartRollout(
  db: Db,
  model: ModelRow,
  input: CreateRolloutInput,
  ctx: ChangeContext,
  now: number,
): Decision {
  if ((RESERVED_ALIASES as readonly string[]).includes(input.alias.toLowerCase())) {
    return fail("RESERVED_ALIAS", `'${input.alias}' is computed by the registry; roll out a stored alias`);
  }
  const refusal = await protectedAliasRefusal(db, model, input.alias, ctx);
  if (refusal) return refusal;
  const plan = planSteps(input);
  if (!plan.ok) return fail("INVALID_ARGUMENT", plan.message, [{ path: plan.path, message: plan.message }]);
  const [aliasRow, target, active] = await Promise.all([
    findAlias(db, model.id, input.alias),
    findVersionRow(db, model.id, input.version),
    activeRollout(db, model.id, input.alias),
  ]);
  if (!aliasRow) {
    return fail("ALIAS_NOT_FOUND", `model '${model.name}' has no alias '${input.alias}' to roll out from`);
  }
  if (!target) return fail("VERSION_NOT_FOUND", `model '${model.name}' has no version ${input.version}`);
  if (active) {
    return fail(
      "ROLLOUT_ALREADY_ACTIVE",
      `alias '${input.alias}' already has an active rollout (${active.id}); promote or abort it first`,
      undefined,
      { rollout_id: active.id },
    );
  }
  if (aliasRow.version === input.version) {
    return fail("ROLLOUT_SAME_VERSION", `alias '${input.alias}' already points at version ${input.version}`);
  }
  if (target.status !== "READY") {
    return fail(
      "ILLEGAL_TRANSITION",
      `version ${input.version} is ${target.status}; only READY versions serve`,
    );
  }
  // Production traffic: the canary must have passed the same approval Production itself needs.
  const stable = await findVersionRow(db, model.id, aliasRow.version);
  if (stable?.stage === "Production" && !(await hasApprovedRequest(db, model.id, input.version))) {
    return fail(
      "APPROVAL_REQUIRED",
      `alias '${input.alias}' serves the Production version; version ${input.version} needs an approved request first`,
    );
  }
  const base: RolloutRow = {
    id: newId("rol"),
    modelId: model.id,
    alias: input.alias,
    fromVersion: aliasRow.version,
    version: input.version,
    weight: plan.weight,
    steps: plan.steps,
    stepIntervalS: input.step_interval_s,
    guards: input.guards,
    status: "active",
    stepStartedAt: now,
    breach: null,
    history: [],
    createdBy: ctx.actor.name,
    createdAt: now,
    updatedAt: now,
    endedAt: null,
  };
  const row = moved(base, "started", {}, ctx.actor.name, now);
  return { ok: true, value: rolloutChange(db, model, base, row, "started", { data: { steps: row.steps } }) };
}

export function notActive(row: RolloutRow) {
  return fail("ROLLOUT_NOT_ACTIVE", `rollout ${row.id} is ${row.status}; only an active rollout moves`);
}

/** Finishes a rollout: the alias now names the canary version, for every node. */
function complete(db: Db, model: ModelRow, row: RolloutRow, ctx: ChangeContext, now: number) {
  const next = moved(row, "completed", { status: "completed", weight: 100 }, ctx.actor.name, now, ctx.reason);
  const alias = upsertAlias(db, {
    modelId: model.id,
    alias: row.alias,
    version: row.version,
    updatedAt: now,
    updatedBy: ctx.actor.name,
  });
  return rolloutChange(db, model, row, next, "completed", {
    statements: [alias],
    data: { alias_before: { version: row.fromVersion }, alias_after: { version: row.version } },
  });
}

/** Rolls back at once: every node resolves the stable version again; records what breached. */
export function rollBack(
  db: Db,
  model: ModelRow,
  row: RolloutRow,
  breach: GuardBreach,
  actor: string,
  now: number,
) {
  const detail = `guard ${guardLabel(breach.guard)} breached: ${breach.value} over ${breach.nodes.length} canary node(s)`;
  const next = moved(row, "rolled_back", { status: "rolled_back", breach }, actor, now, detail);
  return rolloutChange(db, model, row, next, "rolled_back", { data: { breach } });
}

/** Advances to the next step (or completes past the last), as a person asks: guards do not gate it. */
export async function decideAdvanceRollout(
  db: Db,
  model: ModelRow,
  row: RolloutRow,
  ctx: ChangeContext,
  now: number,
): Decision {
  const refusal = await personRefusal(db, model, row, ctx);
  if (refusal) return refusal;
  return { ok: true, value: advance(db, model, row, ctx, now, ctx.reason) };
}

/** The next step, or completion past the last one (`detail` says why, in the history). */
export function advance(
  db: Db,
  model: ModelRow,
  row: RolloutRow,
  ctx: ChangeContext,
  now: number,
  detail: string | undefined,
) {
  const next = nextStep(row.weight, row.steps);
  if (next === "complete") return complete(db, model, row, ctx, now);
  const after = moved(row, "advanced", { weight: next, stepStartedAt: now }, ctx.actor.name, now, detail);
  return rolloutChange(db, model, row, after, "advanced");
}

/** What a person's step needs: the rollout still active, and the right to move its alias. */
async function personRefusal(db: Db, model: ModelRow, row: RolloutRow, ctx: ChangeContext) {
  if (row.status !== "active") return notActive(row);
  return protectedAliasRefusal(db, model, row.alias, ctx);
}

export async function decidePromoteRollout(
  db: Db,
  model: ModelRow,
  row: RolloutRow,
  ctx: ChangeContext,
  now: number,
): Decision {
  const refusal = await personRefusal(db, model, row, ctx);
  if (refusal) return refusal;
  return { ok: true, value: complete(db, model, row, ctx, now) };
}

export async function decideAbortRollout(
  db: Db,
  model: ModelRow,
  row: RolloutRow,
  ctx: ChangeContext,
  now: number,
): Decision {
  const refusal = await personRefusal(db, model, row, ctx);
  if (refusal) return refusal;
  const next = moved(row, "aborted", { status: "aborted" }, ctx.actor.name, now, ctx.reason);
  return { ok: true, value: rolloutChange(db, model, row, next, "aborted") };
}
