/** Console sessions and one-time sign-in links (issue 14). Not model state: no ledger. */
import { and, eq, gt, lte } from "drizzle-orm";
import type { Db } from "../client";
import { consoleSessions, consoleSignInLinks, principals, tokens } from "../schema";
import type { TokenWithPrincipal } from "./tokens-repo";

export type SessionRow = typeof consoleSessions.$inferSelect;
export type SignInLinkRow = typeof consoleSignInLinks.$inferSelect;

export async function insertSession(db: Db, row: SessionRow): Promise<void> {
  // Expired sessions are swept whenever a new one starts: the table stays the size of live sessions.
  await db.batch([
    db.delete(consoleSessions).where(lte(consoleSessions.expiresAt, row.createdAt)),
    db.insert(consoleSessions).values(row),
  ]);
}

/**
 * A live session with the token row it acts as (and that token's principal), in one round trip:
 * every console request needs both, and the token is what says whether the session still counts.
 * `token` is null when no row has that hash (the bootstrap admin, or a token deleted since).
 */
export async function findLiveSessionWithToken(
  db: Db,
  idHash: string,
  now: number,
): Promise<{ session: SessionRow; token: TokenWithPrincipal | null } | undefined> {
  const row = await db
    .select({
      session: consoleSessions,
      token: tokens,
      principal: { id: principals.id, name: principals.name, kind: principals.kind },
    })
    .from(consoleSessions)
    .leftJoin(tokens, eq(tokens.tokenHash, consoleSessions.tokenHash))
    .leftJoin(principals, eq(principals.id, tokens.principalId))
    .where(and(eq(consoleSessions.idHash, idHash), gt(consoleSessions.expiresAt, now)))
    .get();
  if (!row) return undefined;
  return { session: row.session, token: row.token ? { ...row.token, principal: row.principal } : null };
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.delete(consoleSessions).where(eq(consoleSessions.idHash, idHash));
}

export async function insertSignInLink(db: Db, row: SignInLinkRow): Promise<void> {
  await db.insert(consoleSignInLinks).values(row);
}

/** Takes a live link exactly once: the DELETE … RETURNING that finds it is the one that uses it. */
export async function consumeSignInLink(
  db: Db,
  codeHash: string,
  now: number,
): Promise<SignInLinkRow | undefined> {
  const [row] = await db
    .delete(consoleSignInLinks)
    .where(eq(consoleSignInLinks.codeHash, codeHash))
    .returning()
    .all();
  return row && row.expiresAt > now ? row : undefined;
}
