/** Decisions for aliases: set, move (optionally compare-and-set with If-Match), delete. */
import type { Db } from "../db/client";
import { aliasMoveFacts, deleteAlias, findAlias, upsertAlias } from "../db/repos/aliases-repo";
import { type ModelRow, touchModel } from "../db/repos/models-repo";
import { readPolicy } from "../db/repos/policies-repo";
import { activeRollout } from "../db/repos/rollouts-repo";
import { findVersionRow, readVersionView, type ViewRow, viewAfter } from "../db/repos/versions-repo";
import { aliasEtag, etagMatches } from "../domain/etags";
import { satisfies } from "../domain/roles";
import { RESERVED_ALIASES } from "../schemas/aliases";
import type { VersionView } from "../schemas/versions";
import type { AliasHead } from "./alias-head";
import { type Change, type ChangeContext, fail, type LedgerResult } from "./ledger-types";

export interface SetAliasInput {
  alias: string;
  version: number;
  ifMatch?: string | undefined;
}

/** The alias's current ETag as GET answers it, or null when the alias is not set. */
async function currentEtag(db: Db, model: ModelRow, alias: string): Promise<string | null> {
  const row = await findAlias(db, model.id, alias);
  if (!row) return null;
  const version = await findVersionRow(db, model.id, row.version);
  return version ? aliasEtag(row.version, version.updatedAt, row.updatedAt) : null;
}

/** An alias under an active rollout moves only through the rollout (promote, abort) — issue 18. */
async function rolloutRefusal(db: Db, model: ModelRow, alias: string) {
  const active = await activeRollout(db, model.id, alias);
  return active ? rolloutInProgress(alias, active.id) : null;
}

const rolloutInProgress = (alias: string, id: string) =>
  fail(
    "ROLLOUT_IN_PROGRESS",
    `alias '${alias}' is being rolled out (${id}); promote or abort the rollout first`,
    undefined,
    { rollout_id: id },
  );

/**
 * A policy may protect aliases (e.g. `champion`): only approvers move or delete them. An absent
 * role means an internal caller (a job), which routes never produce.
 */
export async function protectedAliasRefusal(db: Db, model: ModelRow, alias: string, ctx: ChangeContext) {
  if (mayMoveProtected(ctx)) return null;
  const { protected_aliases } = await readPolicy(db, model.id);
  return protected_aliases.includes(alias) ? protectedAliasDenied(alias) : null;
}

const mayMoveProtected = (ctx: ChangeContext) => ctx.role === undefined || satisfies(ctx.role, "approver");

const protectedAliasDenied = (alias: string) =>
  fail(
    "PERMISSION_DENIED",
    `alias '${alias}' is protected by the model's policy; it needs the approver role`,
  );

/**
 * How a move answers: the target version's view (native API), or nothing (MLflow answers `{}`, so
 * it reads nothing it would not send). `target` is the row read before the move, when it was read.
 */
export type AliasAnswer<T> = (target: ViewRow | undefined, addAlias: string) => Promise<T>;

/** The native answer: the target version with the alias added (from its row, or read after commit). */
export const answerWithView =
  (db: Db, model: ModelRow, version: number): AliasAnswer<VersionView> =>
  async (target, alias) =>
    (target ? viewAfter(model.name, target, { addAlias: alias }) : null) ??
    (await readVersionView(db, model, version)) ??
    Promise.reject(new Error("aliased version vanished after commit"));

export async function decideSetAlias<T>(
  db: Db,
  model: ModelRow,
  input: SetAliasInput,
  ctx: ChangeContext,
  now: number,
  answer: AliasAnswer<T>,
  /** The ledger's head state (issue 13): the model's policy, and what alias moves decide on. */
  head: { policyOf: typeof readPolicy; aliases: AliasHead },
): Promise<LedgerResult<Change<T>>> {
  if ((RESERVED_ALIASES as readonly string[]).includes(input.alias.toLowerCase())) {
    return fail("RESERVED_ALIAS", `'${input.alias}' is computed by the registry and cannot be set`);
  }
  // The head state knows the facts of a move after the first one (no D1 read); If-Match compares
  // against the alias's ETag, which it does not keep. Otherwise the reads run side by side; the
  // target is read with its tags and aliases, so the answer is built from it.
  const known = input.ifMatch === undefined ? head.aliases.decided(input.alias, input.version) : undefined;
  const [policy, facts] = await Promise.all([
    head.policyOf(db, model.id),
    known ? undefined : aliasMoveFacts(db, model.id, input.alias, input.version),
  ]);
  // Whether the alias is protected also decides whether its move can make a version serve, so it
  // travels with the event (the replication job runs only for such moves: src/jobs/replicate.ts).
  const isProtected = policy.protected_aliases.includes(input.alias);
  if (isProtected && !mayMoveProtected(ctx)) return protectedAliasDenied(input.alias);
  const target = facts?.target;
  if (facts) {
    const servable =
      target !== undefined &&
      target.status !== "PENDING_REGISTRATION" &&
      target.status !== "FAILED_REGISTRATION";
    head.aliases.learn(input.alias, {
      existing: facts.existing,
      servable: servable ? input.version : null,
      rolloutFree: facts.rolloutId === null,
    });
    if (facts.rolloutId) return rolloutInProgress(input.alias, facts.rolloutId);
    if (!target) return fail("VERSION_NOT_FOUND", `model '${model.name}' has no version ${input.version}`);
    // Issue 16: an alias is what nodes resolve and serve; a version the server has not verified
    // whole (or whose files failed) must never be reachable through one.
    if (!servable) {
      return fail(
        "VERSION_NOT_READY",
        `version ${input.version} is ${target.status}; only a version whose files are verified can take an alias`,
      );
    }
  }
  const existing = known ? known.existing : (facts?.existing ?? null);
  if (input.ifMatch !== undefined && !etagMatches(input.ifMatch, await currentEtag(db, model, input.alias))) {
    return fail(
      "PRECONDITION_FAILED",
      `alias '${input.alias}' changed since the ETag in If-Match was issued`,
    );
  }
  const before = existing !== null ? { version: existing } : null;
  const after = { version: input.version };
  return {
    ok: true,
    value: {
      statements: [
        upsertAlias(db, {
          modelId: model.id,
          alias: input.alias,
          version: input.version,
          updatedAt: now,
          updatedBy: ctx.actor.name,
        }),
        touchModel(db, model.id, now),
      ],
      model: { ...model, updatedAt: now },
      aliasAfter: { alias: input.alias, version: input.version },
      // Group commit: another move of this alias, or a change of either version it names, waits.
      conflicts: [
        `alias:${input.alias}`,
        `version:${input.version}`,
        ...(existing !== null ? [`version:${existing}`] : []),
      ],
      chain: model.id,
      modelName: model.name,
      action: "alias.set",
      target: `model:${model.name}/aliases/${input.alias}`,
      before,
      after,
      event: {
        type: "alias.set",
        modelId: model.id,
        version: input.version,
        data: { alias: input.alias, before, after, protected: isProtected },
      },
      respond: () => answer(target, input.alias),
    },
  };
}

export async function decideDeleteAlias(
  db: Db,
  model: ModelRow,
  alias: string,
  ifMatch: string | undefined,
  now: number,
  ctx?: ChangeContext,
): Promise<LedgerResult<Change<null>>> {
  const existing = await findAlias(db, model.id, alias);
  if (!existing) return fail("ALIAS_NOT_FOUND", `model '${model.name}' has no alias '${alias}'`);
  const refusal =
    (ctx ? await protectedAliasRefusal(db, model, alias, ctx) : null) ??
    (await rolloutRefusal(db, model, alias));
  if (refusal) return refusal;
  if (ifMatch !== undefined && !etagMatches(ifMatch, await currentEtag(db, model, alias))) {
    return fail("PRECONDITION_FAILED", `alias '${alias}' changed since the ETag in If-Match was issued`);
  }
  const before = { version: existing.version };
  return {
    ok: true,
    value: {
      statements: [deleteAlias(db, model.id, alias), touchModel(db, model.id, now)],
      model: { ...model, updatedAt: now },
      aliasAfter: { alias, version: null },
      conflicts: [`alias:${alias}`, `version:${existing.version}`],
      chain: model.id,
      modelName: model.name,
      action: "alias.deleted",
      target: `model:${model.name}/aliases/${alias}`,
      before,
      after: null,
      event: {
        type: "alias.deleted",
        modelId: model.id,
        version: existing.version,
        data: { alias, before, after: null },
      },
      respond: async () => null,
    },
  };
}
