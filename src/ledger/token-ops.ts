/** Token changes, recorded on the `system` audit chain (tokens belong to no model). */
import type { Db } from "../db/client";
import { findToken, insertToken, revokeToken, type TokenRow, toTokenView } from "../db/repos/tokens-repo";
import { scopesWithin } from "../domain/scopes";
import type { TokenView } from "../schemas/tokens";
import { type Change, type ChangeContext, fail, type LedgerResult } from "./ledger-types";

export const SYSTEM_CHAIN = "system";

export function decideCreateToken(
  db: Db,
  row: TokenRow,
  ctx: ChangeContext,
): LedgerResult<Change<TokenView>> {
  if (!scopesWithin(row.scopes ?? null, ctx.scopes ?? null)) {
    return fail("SCOPE_WIDENING", "a token cannot grant scopes beyond its creator's own", [
      { path: "scopes", message: `must lie within ${JSON.stringify(ctx.scopes)}` },
    ]);
  }
  const after = { id: row.id, name: row.name, role: row.role, scopes: row.scopes };
  return {
    ok: true,
    value: {
      statements: [insertToken(db, row)],
      chain: SYSTEM_CHAIN,
      modelName: null,
      action: "token.created",
      target: `token:${row.id}`,
      before: null,
      after,
      respond: async () => toTokenView(row),
    },
  };
}

export async function decideRevokeToken(
  db: Db,
  id: string,
  now: number,
  ctx: ChangeContext,
): Promise<LedgerResult<Change<TokenView>>> {
  const row = await findToken(db, id);
  // A token reaching beyond the caller's scopes looks exactly like one that does not exist.
  if (!row || !scopesWithin(row.scopes ?? null, ctx.scopes ?? null)) {
    return fail("TOKEN_NOT_FOUND", `no token '${id}'`);
  }
  if (row.revokedAt !== null) return { ok: true, value: noChange(row) };
  return {
    ok: true,
    value: {
      statements: [revokeToken(db, id, now)],
      chain: SYSTEM_CHAIN,
      modelName: null,
      action: "token.revoked",
      target: `token:${id}`,
      before: { revoked: false },
      after: { revoked: true },
      respond: async () => toTokenView({ ...row, revokedAt: now }),
    },
  };
}

/** Revoking twice is a no-op: an empty change writes nothing and audits nothing. */
function noChange(row: TokenRow): Change<TokenView> {
  return {
    statements: [],
    chain: SYSTEM_CHAIN,
    modelName: null,
    action: "",
    target: "",
    before: null,
    after: null,
    respond: async () => toTokenView(row),
  };
}
