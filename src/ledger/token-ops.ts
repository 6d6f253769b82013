/** Token changes, recorded on the `system` audit chain (tokens belong to no model). */
import type { Db } from "../db/client";
import { findToken, insertToken, revokeToken, type TokenRow, toTokenView } from "../db/repos/tokens-repo";
import type { TokenView } from "../schemas/tokens";
import { type Change, fail, type LedgerResult } from "./ledger-types";

export const SYSTEM_CHAIN = "system";

export function decideCreateToken(db: Db, row: TokenRow): LedgerResult<Change<TokenView>> {
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
): Promise<LedgerResult<Change<TokenView>>> {
  const row = await findToken(db, id);
  if (!row) return fail("TOKEN_NOT_FOUND", `no token '${id}'`);
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
