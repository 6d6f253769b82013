/** The webhook delivery log: one row per (event, subscription), updated by the delivery consumers. */
import { and, desc, eq, inArray } from "drizzle-orm";
import { cutPage } from "../../lib/page-token";
import type { DeliveryView } from "../../schemas/webhooks";
import { chunkRows, type Db, iso, isoOrNull, type Statement } from "../client";
import { webhookDeliveries } from "../schema";
import { NEWEST_FIRST, newestFirstAfter } from "./newest-first";

export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type DeliveryStatus = DeliveryRow["status"];

export function toDeliveryView(row: DeliveryRow): DeliveryView {
  return {
    id: row.id,
    event_id: row.eventId,
    subscription_id: row.subscriptionId,
    event_type: row.eventType,
    model: row.modelName,
    sequence: row.sequence,
    status: row.status,
    attempts: row.attempts,
    last_status_code: row.lastStatusCode,
    last_error: row.lastError,
    latency_ms: row.latencyMs,
    next_retry_at: isoOrNull(row.nextRetryAt),
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}

export async function findDelivery(db: Db, id: string): Promise<DeliveryRow | undefined> {
  return db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)).get();
}

export async function findDeliveries(db: Db, ids: string[]): Promise<DeliveryRow[]> {
  const rows: DeliveryRow[] = [];
  for (let i = 0; i < ids.length; i += 90) {
    rows.push(
      ...(await db
        .select()
        .from(webhookDeliveries)
        .where(inArray(webhookDeliveries.id, ids.slice(i, i + 90)))
        .all()),
    );
  }
  return rows;
}

/** Rows that already exist are kept as they are: a redelivered event must not reset progress. */
export async function insertDeliveries(db: Db, rows: DeliveryRow[]): Promise<void> {
  const statements = chunkRows(rows, 14).map((chunk) =>
    db.insert(webhookDeliveries).values(chunk).onConflictDoNothing(),
  );
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);
}

export interface AttemptOutcome {
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  latencyMs: number | null;
  nextRetryAt: number | null;
}

export async function recordAttempt(db: Db, id: string, outcome: AttemptOutcome, now: number) {
  await db
    .update(webhookDeliveries)
    .set({ ...outcome, updatedAt: now })
    .where(eq(webhookDeliveries.id, id));
}

/** Final state after the dead-letter queue; a succeeded delivery is never demoted. */
export async function markDead(db: Db, id: string, now: number, error?: string): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set({ status: "dead", nextRetryAt: null, updatedAt: now, ...(error ? { lastError: error } : {}) })
    .where(and(eq(webhookDeliveries.id, id), inArray(webhookDeliveries.status, ["pending", "failed"])));
}

/** Statement for the system ledger: a redelivery starts afresh with a full attempt budget. */
export function resetDelivery(db: Db, id: string, now: number): Statement {
  return db
    .update(webhookDeliveries)
    .set({ status: "pending", attempts: 0, nextRetryAt: null, updatedAt: now })
    .where(eq(webhookDeliveries.id, id));
}

export async function listDeliveries(
  db: Db,
  subscriptionId: string,
  pageSize: number,
  pageToken: string | undefined,
) {
  const after = newestFirstAfter(webhookDeliveries.createdAt, webhookDeliveries.id, pageToken);
  const rows = await db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.subscriptionId, subscriptionId), after))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(pageSize + 1)
    .all();
  const { page, next } = cutPage(rows, pageSize, (last) => ({
    o: NEWEST_FIRST,
    k: last.createdAt,
    n: last.id,
  }));
  return { items: page.map(toDeliveryView), next_page_token: next };
}
