/** API tokens. Only SHA-256 hashes of the secrets are stored. */
import { desc, eq } from "drizzle-orm";
import type { TokenView } from "../../schemas/tokens";
import { type Db, iso, isoOrNull, type Statement } from "../client";
import { principals, tokens } from "../schema";
import { scopesWithinCondition } from "./scope-filter";

export type TokenRow = typeof tokens.$inferSelect;

export function toTokenView(row: TokenRow): TokenView {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    scopes: row.scopes ?? null,
    created_by: row.createdBy,
    created_at: iso(row.createdAt),
    expires_at: isoOrNull(row.expiresAt),
    revoked_at: isoOrNull(row.revokedAt),
    principal_id: row.principalId,
  };
}

/** A token with the principal it belongs to: who is acting, for audit and separation of duties. */
export type TokenWithPrincipal = TokenRow & {
  principal: { id: string; name: string; kind: "person" | "service" } | null;
};

/**
 * The one lookup behind authentication (the API middleware and console sessions): the token by the
 * hash of its secret, with its principal resolved in the same query.
 */
export async function findTokenByHash(db: Db, tokenHash: string): Promise<TokenWithPrincipal | undefined> {
  const found = await db
    .select({
      token: tokens,
      principal: { id: principals.id, name: principals.name, kind: principals.kind },
    })
    .from(tokens)
    .leftJoin(principals, eq(principals.id, tokens.principalId))
    .where(eq(tokens.tokenHash, tokenHash))
    .get();
  return found ? { ...found.token, principal: found.principal } : undefined;
}

export async function findToken(db: Db, id: string): Promise<TokenRow | undefined> {
  return db.select().from(tokens).where(eq(tokens.id, id)).get();
}

/** Tokens the caller may see: those whose scopes lie within its own (all of them when unscoped). */
export async function listTokens(db: Db, scopes: string[] | null): Promise<TokenView[]> {
  const rows = await db
    .select()
    .from(tokens)
    .where(scopesWithinCondition(tokens.scopes, scopes))
    .orderBy(desc(tokens.createdAt))
    .limit(1000)
    .all();
  return rows.map(toTokenView);
}

export function insertToken(db: Db, row: TokenRow): Statement {
  return db.insert(tokens).values(row);
}

export function revokeToken(db: Db, id: string, now: number): Statement {
  return db.update(tokens).set({ revokedAt: now }).where(eq(tokens.id, id));
}
