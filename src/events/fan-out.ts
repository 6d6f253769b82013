/**
 * Fan-out: one event → one delivery row and one `registry-deliveries` message per matching
 * subscription. Each delivery then succeeds, retries and dies on its own, so a failing receiver never
 * makes its siblings redeliver. Safe to run twice for the same event: rows are keyed by
 * (event, subscription) and only rows not yet attempted are (re-)enqueued.
 */
import { createDb } from "../db/client";
import { type DeliveryRow, findDeliveries, insertDeliveries } from "../db/repos/deliveries-repo";
import { activeWebhooks, type WebhookRow } from "../db/repos/webhooks-repo";
import type { DeliveryMessage } from "./deliver";
import type { EventEnvelope } from "./envelope";
import { deliveryId, subscriptionMatches } from "./match";

export async function fanOut(
  env: Env,
  event: EventEnvelope,
  now = Date.now(),
  /** The active subscriptions when the caller read them already (once per queue batch, issue 13). */
  active?: WebhookRow[],
): Promise<number> {
  const db = createDb(env.DB);
  const subs = (active ?? (await activeWebhooks(db))).filter((sub) => subscriptionMatches(sub, event));
  if (subs.length === 0) return 0;
  const rows: DeliveryRow[] = await Promise.all(
    subs.map(async (sub) => ({
      id: await deliveryId(event.id, sub.id),
      eventId: event.id,
      subscriptionId: sub.id,
      eventType: event.type,
      modelName: event.model,
      sequence: event.sequence,
      status: "pending" as const,
      attempts: 0,
      lastStatusCode: null,
      lastError: null,
      latencyMs: null,
      nextRetryAt: null,
      createdAt: now,
      updatedAt: now,
    })),
  );
  await insertDeliveries(db, rows);
  // Rows already attempted have their own message in flight (or are finished): leave them alone.
  const unsent = (
    await findDeliveries(
      db,
      rows.map((r) => r.id),
    )
  ).filter((r) => r.status === "pending" && r.attempts === 0);
  for (let i = 0; i < unsent.length; i += 100) {
    await env.DELIVERIES.sendBatch(
      unsent.slice(i, i + 100).map((r) => ({ body: deliveryMessage(r), contentType: "json" as const })),
    );
  }
  return unsent.length;
}

export function deliveryMessage(
  row: Pick<DeliveryRow, "id" | "eventId" | "subscriptionId">,
): DeliveryMessage {
  return { delivery_id: row.id, event_id: row.eventId, subscription_id: row.subscriptionId };
}
