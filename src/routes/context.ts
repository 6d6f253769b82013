/** Helpers every resource's handlers share: who is asking, what they may see, how to call the ledger. */

import canonicalize from "canonicalize";
import type { Context } from "hono";
import type { Db } from "../db/client";
import { findModelRow, type ModelRow } from "../db/repos/models-repo";
import { inScope } from "../domain/scopes";
import type { AppEnv } from "../env";
import type { ChangeContext } from "../ledger/ledger-types";
import { sha256Hex } from "../lib/crypto";
import { ApiError } from "../lib/problem";

/**
 * The model row a request names: out of the token's scope or absent, MODEL_NOT_FOUND either way,
 * so a scoped token cannot tell the two apart.
 */
export async function modelRowOr404(c: Context<AppEnv>, db: Db, name: string): Promise<ModelRow> {
  assertVisible(c, name);
  const model = await findModelRow(db, name);
  if (!model) throw new ApiError("MODEL_NOT_FOUND", `model '${name}' does not exist`);
  return model;
}

/** Out of a token's scope, a model looks exactly like one that does not exist. */
export function assertVisible(c: Context<AppEnv>, name: string): void {
  if (!inScope(c.get("actor").scopes, name)) {
    throw new ApiError("MODEL_NOT_FOUND", `model '${name}' does not exist`);
  }
}

export function changeContext(c: Context<AppEnv>, reason?: string): ChangeContext {
  const actor = c.get("actor");
  return {
    actor: { id: actor.id, name: actor.name },
    role: actor.role,
    scopes: actor.scopes,
    requestId: c.get("requestId"),
    reason,
  };
}

/**
 * ChangeContext plus the Idempotency-Key, scoped to the caller and route, with a hash of the
 * request so that reusing a key for a different request is refused rather than replayed.
 */
export async function idempotentContext(c: Context<AppEnv>, body: unknown): Promise<ChangeContext> {
  const ctx = changeContext(c);
  const key = c.req.header("idempotency-key");
  if (key === undefined) return ctx;
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new ApiError("INVALID_ARGUMENT", "Idempotency-Key must be 1..255 visible ASCII characters", [
      { path: "headers.idempotency-key", message: "1..255 visible ASCII characters" },
    ]);
  }
  const scope = `${ctx.actor.id} ${c.req.method} ${c.req.path}`;
  return {
    ...ctx,
    idempotency: {
      key: `${await sha256Hex(scope)}:${key}`,
      requestHash: await sha256Hex(canonicalize(body) ?? ""),
    },
  };
}
