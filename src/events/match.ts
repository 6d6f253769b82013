/** Which subscriptions want an event: its type (or `*`) and, if set, a model-name glob. */
import type { WebhookRow } from "../db/repos/webhooks-repo";
import { scopeMatches } from "../domain/scopes";
import { sha256Hex } from "../lib/crypto";
import type { EventEnvelope } from "./envelope";

export function subscriptionMatches(
  sub: Pick<WebhookRow, "events" | "modelPattern" | "active">,
  event: Pick<EventEnvelope, "type" | "model">,
): boolean {
  if (!sub.active) return false;
  if (!sub.events.includes("*") && !sub.events.includes(event.type)) return false;
  return sub.modelPattern === null || scopeMatches(sub.modelPattern, event.model);
}

/**
 * Deterministic, so that handling the same event message twice (at-least-once queues, the outbox
 * sweeper) lands on the same delivery row instead of delivering twice.
 */
export async function deliveryId(eventId: string, subscriptionId: string): Promise<string> {
  return `dlv_${(await sha256Hex(`${eventId}\n${subscriptionId}`)).slice(0, 32)}`;
}
