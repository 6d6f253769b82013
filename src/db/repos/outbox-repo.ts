/** The transactional outbox of events. */
import { and, asc, eq, inArray, isNull, lt } from "drizzle-orm";
import type { Db, Statement } from "../client";
import { outboxEvents } from "../schema";

export type OutboxRow = typeof outboxEvents.$inferSelect;

export function insertEvent(db: Db, row: OutboxRow): Statement {
  return db.insert(outboxEvents).values(row);
}

export async function markSent(db: Db, ids: string[], now: number): Promise<void> {
  for (const statement of markSentStatements(db, ids, now)) await statement;
}

/** The same UPDATEs as statements, so the ledger can ride them on its next change's batch (issue 13). */
export function markSentStatements(db: Db, ids: string[], now: number): Statement[] {
  const out: Statement[] = [];
  for (let i = 0; i < ids.length; i += 90) {
    out.push(
      db
        .update(outboxEvents)
        .set({ sentAt: now })
        .where(inArray(outboxEvents.id, ids.slice(i, i + 90))),
    );
  }
  return out;
}

/** Events committed but not handed to the queue before `olderThan` (a crash between commit and send). */
export async function unsentEvents(db: Db, olderThan: number, limit: number): Promise<OutboxRow[]> {
  return db
    .select()
    .from(outboxEvents)
    .where(and(isNull(outboxEvents.sentAt), lt(outboxEvents.createdAt, olderThan)))
    .orderBy(asc(outboxEvents.createdAt))
    .limit(limit)
    .all();
}

export async function findEvent(db: Db, id: string): Promise<OutboxRow | undefined> {
  return db.select().from(outboxEvents).where(eq(outboxEvents.id, id)).get();
}

/** Hands an event back to the outbox sweeper (its fan-out was dead-lettered). */
export async function markUnsent(db: Db, id: string): Promise<void> {
  await db.update(outboxEvents).set({ sentAt: null }).where(eq(outboxEvents.id, id));
}
