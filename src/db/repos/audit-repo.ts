/** The audit log: append-only. Nothing here updates or deletes a row. */
import { and, asc, desc, eq, gt, gte, lt, type SQL } from "drizzle-orm";
import type { AuditContent } from "../../domain/audit-chain";
import type { Db, Statement } from "../client";
import { auditLog } from "../schema";

export type AuditRow = typeof auditLog.$inferSelect;

export async function chainHead(db: Db, chain: string): Promise<{ seq: number; hash: string } | undefined> {
  return db
    .select({ seq: auditLog.seq, hash: auditLog.hash })
    .from(auditLog)
    .where(eq(auditLog.chain, chain))
    .orderBy(desc(auditLog.seq))
    .limit(1)
    .get();
}

export function insertAudit(db: Db, entry: AuditContent & { hash: string }): Statement {
  return db.insert(auditLog).values(entry);
}

/** One page of a chain after `afterSeq`, in seq order: verification never holds a whole chain. */
export async function chainPage(db: Db, chain: string, afterSeq: number, limit: number): Promise<AuditRow[]> {
  return db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.chain, chain), gt(auditLog.seq, afterSeq)))
    .orderBy(asc(auditLog.seq))
    .limit(limit)
    .all();
}

/** The stored hash of one entry (a resumed verification checks its cursor still names it). */
export async function entryHash(db: Db, chain: string, seq: number): Promise<string | null> {
  const row = await db
    .select({ hash: auditLog.hash })
    .from(auditLog)
    .where(and(eq(auditLog.chain, chain), eq(auditLog.seq, seq)))
    .get();
  return row?.hash ?? null;
}

export interface AuditQuery {
  modelNames: string[] | null;
  actor?: string | undefined;
  action?: string | undefined;
  since?: number | undefined;
  beforeId?: number | undefined;
  limit: number;
  extra?: SQL | undefined;
}

/** Newest first, keyset on the autoincrement id. */
export async function listAudit(db: Db, q: AuditQuery): Promise<AuditRow[]> {
  return db
    .select()
    .from(auditLog)
    .where(
      and(
        q.extra,
        q.actor ? eq(auditLog.actor, q.actor) : undefined,
        q.action ? eq(auditLog.action, q.action) : undefined,
        q.since !== undefined ? gte(auditLog.createdAt, q.since) : undefined,
        q.beforeId !== undefined ? lt(auditLog.id, q.beforeId) : undefined,
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(q.limit)
    .all();
}
