/** Console sessions and one-time sign-in links (issue 14). Not model state: no ledger. */
import { and, eq, gt, lte } from "drizzle-orm";
import type { Db } from "../client";
import { consoleSessions, consoleSignInLinks } from "../schema";

export type SessionRow = typeof consoleSessions.$inferSelect;
export type SignInLinkRow = typeof consoleSignInLinks.$inferSelect;

export async function insertSession(db: Db, row: SessionRow): Promise<void> {
  // Expired sessions are swept whenever a new one starts: the table stays the size of live sessions.
  await db.batch([
    db.delete(consoleSessions).where(lte(consoleSessions.expiresAt, row.createdAt)),
    db.insert(consoleSessions).values(row),
  ]);
}

/** A live session by the hash of its cookie secret. */
export async function findLiveSession(db: Db, idHash: string, now: number): Promise<SessionRow | undefined> {
  return db
    .select()
    .from(consoleSessions)
    .where(and(eq(consoleSessions.idHash, idHash), gt(consoleSessions.expiresAt, now)))
    .get();
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
