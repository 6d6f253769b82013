/**
 * Release operations shared by the API handlers and the console's forms: one function per action,
 * each checking role and scope and then making exactly one ledger call, so a page can never do
 * more (or less) than the API would for the same principal.
 */
import type { Context } from "hono";
import { createDb } from "../db/client";
import { requestModelName } from "../db/repos/approvals-repo";
import type { Stage } from "../domain/lifecycle";
import { inScope } from "../domain/scopes";
import type { AppEnv } from "../env";
import { ledgerFor, unwrap } from "../ledger/ledger-client";
import { ApiError } from "../lib/problem";
import { assertVisible, changeContext } from "../routes/context";
import { assertRole } from "./access";

/** The request's model, if the caller may see it; otherwise the request does not exist for them. */
export async function visibleRequestModel(c: Context<AppEnv>, id: string): Promise<string> {
  const name = await requestModelName(createDb(c.env.DB), id);
  if (!name || !inScope(c.get("actor").scopes, name)) {
    throw new ApiError("APPROVAL_REQUEST_NOT_FOUND", `approval request '${id}' does not exist`);
  }
  return name;
}

export async function requestPromotion(c: Context<AppEnv>, name: string, version: number, comment: string) {
  assertRole(c, "contributor");
  assertVisible(c, name);
  const result = await ledgerFor(c.env, name).requestApproval(
    name,
    version,
    comment,
    changeContext(c, comment || undefined),
  );
  return unwrap(result);
}

export async function decideRequest(
  c: Context<AppEnv>,
  id: string,
  decision: "approve" | "reject",
  comment: string,
) {
  assertRole(c, "approver");
  const name = await visibleRequestModel(c, id);
  const ledger = ledgerFor(c.env, name);
  const ctx = changeContext(c, comment || undefined);
  return unwrap(
    decision === "approve"
      ? await ledger.approve(name, id, comment, ctx)
      : await ledger.reject(name, id, comment, ctx),
  );
}

export async function transitionVersion(
  c: Context<AppEnv>,
  name: string,
  version: number,
  input: { to: Stage; comment: string; fastTrack?: boolean | undefined },
) {
  assertRole(c, "contributor");
  assertVisible(c, name);
  const result = await ledgerFor(c.env, name).transition(
    name,
    version,
    { to: input.to, comment: input.comment, fastTrack: input.fastTrack ?? false },
    changeContext(c, input.comment || undefined),
  );
  return unwrap(result);
}

export async function rollbackModel(
  c: Context<AppEnv>,
  name: string,
  reason: string,
  toVersion: number | undefined,
) {
  assertRole(c, "approver");
  assertVisible(c, name);
  return unwrap(await ledgerFor(c.env, name).rollback(name, toVersion, changeContext(c, reason)));
}

/** Moves (or sets) an alias; `ifMatch` is the ETag the caller last saw, so a stale view conflicts. */
export async function moveAlias(
  c: Context<AppEnv>,
  name: string,
  alias: string,
  version: number,
  ifMatch: string | undefined,
) {
  assertRole(c, "contributor");
  assertVisible(c, name);
  return unwrap(await ledgerFor(c.env, name).setAlias(name, { alias, version, ifMatch }, changeContext(c)));
}

/** Clears a fast-tracked version's `needs_review`; the ledger refuses the fast-tracker itself. */
export async function signOffReview(c: Context<AppEnv>, name: string, version: number, comment: string) {
  assertRole(c, "approver");
  assertVisible(c, name);
  return unwrap(
    await ledgerFor(c.env, name).signOffReview(name, version, changeContext(c, comment || undefined)),
  );
}

/** Deletes an alias; `ifMatch` is the ETag the caller last saw, so a stale view conflicts. */
export async function deleteAlias(
  c: Context<AppEnv>,
  name: string,
  alias: string,
  ifMatch: string | undefined,
) {
  assertRole(c, "contributor");
  assertVisible(c, name);
  return unwrap(await ledgerFor(c.env, name).deleteAlias(name, alias, ifMatch, changeContext(c)));
}
