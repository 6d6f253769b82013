/** Token and principal changes, recorded on the `system` audit chain (they belong to no model). */
import type { Db } from "../db/client";
import {
  findPrincipal,
  findPrincipalByName,
  insertPrincipal,
  type PrincipalRow,
  toPrincipalView,
} from "../db/repos/principals-repo";
import { findToken, insertToken, revokeToken, type TokenRow, toTokenView } from "../db/repos/tokens-repo";
import { scopesWithin } from "../domain/scopes";
import type { PrincipalView } from "../schemas/principals";
import type { TokenView } from "../schemas/tokens";
import { type Change, type ChangeContext, fail, type LedgerResult, nothingToWrite } from "./ledger-types";

export const SYSTEM_CHAIN = "system";

/** What the HTTP layer asks for; the ledger settles the principal and the scopes (invariant 9). */
export interface TokenDraft extends Omit<TokenRow, "scopes" | "principalId"> {
  /** Omitted: the principal's scopes (a new principal's: the creator's). */
  scopes: string[] | undefined;
  /** An existing principal, or null to give the token a new service principal of its own name. */
  principalId: string | null;
}

const widening = (ctx: ChangeContext, what: string) =>
  fail("SCOPE_WIDENING", `${what} cannot reach beyond its creator's scopes`, [
    { path: "scopes", message: `must lie within ${JSON.stringify(ctx.scopes ?? null)}` },
  ]);

export async function decideCreateToken(
  db: Db,
  draft: TokenDraft,
  ctx: ChangeContext,
): Promise<LedgerResult<Change<TokenView>>> {
  const callerScopes = ctx.scopes ?? null;
  let principal: PrincipalRow | undefined;
  if (draft.principalId !== null) {
    principal = await findPrincipal(db, draft.principalId);
    // A principal reaching beyond the caller's scopes looks exactly like one that does not exist.
    if (!principal || !scopesWithin(principal.scopes ?? null, callerScopes)) {
      return fail("PRINCIPAL_NOT_FOUND", `no principal '${draft.principalId}'`);
    }
  }
  const base = principal ? (principal.scopes ?? null) : callerScopes;
  const scopes = draft.scopes ?? base;
  if (!scopesWithin(scopes, base) || !scopesWithin(scopes, callerScopes)) return widening(ctx, "a token");
  const created: PrincipalRow | null = principal
    ? null
    : {
        id: draft.id.replace(/^tok_/, "prn_"),
        name: draft.name,
        kind: "service",
        scopes,
        createdBy: draft.createdBy,
        createdAt: draft.createdAt,
      };
  const row: TokenRow = { ...draft, scopes, principalId: principal?.id ?? (created as PrincipalRow).id };
  const after = {
    id: row.id,
    name: row.name,
    role: row.role,
    scopes: row.scopes,
    principal_id: row.principalId,
  };
  return {
    ok: true,
    value: {
      statements: [...(created ? [insertPrincipal(db, created)] : []), insertToken(db, row)],
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

export async function decideCreatePrincipal(
  db: Db,
  row: PrincipalRow,
  ctx: ChangeContext,
): Promise<LedgerResult<Change<PrincipalView>>> {
  if (!scopesWithin(row.scopes ?? null, ctx.scopes ?? null)) return widening(ctx, "a principal");
  // Names identify people in audit entries and separation of duties: one principal per name.
  if (await findPrincipalByName(db, row.name)) {
    return fail("PRINCIPAL_EXISTS", `a principal named '${row.name}' already exists`);
  }
  return {
    ok: true,
    value: {
      statements: [insertPrincipal(db, row)],
      chain: SYSTEM_CHAIN,
      modelName: null,
      action: "principal.created",
      target: `principal:${row.id}`,
      before: null,
      after: { id: row.id, name: row.name, kind: row.kind, scopes: row.scopes },
      respond: async () => toPrincipalView(row),
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
  return nothingToWrite(SYSTEM_CHAIN, null, async () => toTokenView(row));
}
