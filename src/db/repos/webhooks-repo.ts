/** Webhook subscriptions. The stored secret is sealed (src/events/secret-box.ts) and never leaves here in a view. */
import { and, desc, eq } from "drizzle-orm";
import { cutPage } from "../../lib/page-token";
import type { WebhookView } from "../../schemas/webhooks";
import { type Db, iso, type Statement } from "../client";
import { webhookDeliveries, webhookSubscriptions } from "../schema";
import { NEWEST_FIRST, newestFirstAfter } from "./newest-first";
import { patternWithinCondition } from "./scope-filter";

export type WebhookRow = typeof webhookSubscriptions.$inferSelect;
export type WebhookPatch = Partial<
  Pick<WebhookRow, "url" | "events" | "modelPattern" | "secret" | "active" | "description">
>;

/**
 * Active subscriptions are few (an admin creates them); fan-out reads them all and matches in code,
 * so the ledger refuses to activate more than this many rather than let fan-out skip any.
 */
export const MAX_ACTIVE_WEBHOOKS = 1000;

export function toWebhookView(row: WebhookRow): WebhookView {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    model_pattern: row.modelPattern,
    active: row.active,
    description: row.description,
    created_by: row.createdBy,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}

export async function findWebhook(db: Db, id: string): Promise<WebhookRow | undefined> {
  return db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, id)).get();
}

export async function activeWebhooks(db: Db): Promise<WebhookRow[]> {
  return db
    .select()
    .from(webhookSubscriptions)
    .where(eq(webhookSubscriptions.active, true))
    .limit(MAX_ACTIVE_WEBHOOKS)
    .all();
}

export async function countActiveWebhooks(db: Db): Promise<number> {
  return db.$count(webhookSubscriptions, eq(webhookSubscriptions.active, true));
}

/** Subscriptions the caller may see: those whose pattern lies within its scopes (all when unscoped). */
export async function listWebhooks(
  db: Db,
  scopes: string[] | null,
  pageSize: number,
  pageToken: string | undefined,
) {
  const after = newestFirstAfter(webhookSubscriptions.createdAt, webhookSubscriptions.id, pageToken);
  const rows = await db
    .select()
    .from(webhookSubscriptions)
    .where(and(after, patternWithinCondition(webhookSubscriptions.modelPattern, scopes)))
    .orderBy(desc(webhookSubscriptions.createdAt), desc(webhookSubscriptions.id))
    .limit(pageSize + 1)
    .all();
  const { page, next } = cutPage(rows, pageSize, (last) => ({
    o: NEWEST_FIRST,
    k: last.createdAt,
    n: last.id,
  }));
  return { items: page.map(toWebhookView), next_page_token: next };
}

// ---- statement builders for the system ledger ----

export function insertWebhook(db: Db, row: WebhookRow): Statement {
  return db.insert(webhookSubscriptions).values(row);
}

export function updateWebhook(db: Db, id: string, patch: WebhookPatch, now: number): Statement {
  return db
    .update(webhookSubscriptions)
    .set({ ...patch, updatedAt: now })
    .where(eq(webhookSubscriptions.id, id));
}

/** A deleted subscription takes its delivery log with it; in-flight delivery messages find no row and stop. */
export function deleteWebhook(db: Db, id: string): Statement[] {
  return [
    db.delete(webhookDeliveries).where(eq(webhookDeliveries.subscriptionId, id)),
    db.delete(webhookSubscriptions).where(eq(webhookSubscriptions.id, id)),
  ];
}
