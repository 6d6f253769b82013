/**
 * One delivery attempt for one (event, subscription) pair, recorded in the delivery log. The caller
 * (the deliveries queue consumer) turns the result into ack / retry-with-backoff / dead-letter.
 * Idempotent by delivery id: a delivery that already succeeded or died is never sent again.
 */
import { createDb } from "../db/client";
import { findDelivery, markDead, recordAttempt } from "../db/repos/deliveries-repo";
import { findEvent } from "../db/repos/outbox-repo";
import { findWebhook } from "../db/repos/webhooks-repo";
import { checkWebhookUrl } from "../domain/webhook-url";
import type { EventEnvelope } from "./envelope";
import { postWebhook } from "./post-webhook";
import { checkResolvedAddress } from "./resolve-check";
import { backoffSeconds, type RetryPolicy } from "./retry-policy";
import { openSecret } from "./secret-box";

/** The body of a `registry-deliveries` (and its dead-letter queue) message. */
export interface DeliveryMessage {
  delivery_id: string;
  event_id: string;
  subscription_id: string;
}

export type AttemptResult =
  | { kind: "done" }
  | { kind: "retry"; delaySeconds: number }
  /** The last allowed attempt failed: hand the message to the dead-letter queue. */
  | { kind: "dead-letter" };

const DONE: AttemptResult = { kind: "done" };

export async function attemptDelivery(
  env: Env,
  deliveryId: string,
  policy: RetryPolicy,
  now = Date.now(),
): Promise<AttemptResult> {
  const db = createDb(env.DB);
  const row = await findDelivery(db, deliveryId);
  // No row: its subscription was deleted (and took its log with it). Nothing left to do.
  if (!row || row.status === "succeeded" || row.status === "dead") return DONE;
  const sub = await findWebhook(db, row.subscriptionId);
  // Permanent conditions end the delivery at once (recorded as dead with the reason) instead of
  // burning retries; an admin can fix the subscription and redeliver.
  if (!sub?.active) return giveUp(env, deliveryId, now, "subscription deleted or inactive");
  const event = await findEvent(db, row.eventId);
  if (!event) return giveUp(env, deliveryId, now, "event not found in the outbox");
  const url = checkWebhookUrl(sub.url, env.ENVIRONMENT);
  if (!url.ok) return giveUp(env, deliveryId, now, `url refused: ${url.reason}`);
  let secret: string;
  try {
    secret = await openSecret(env, sub.id, sub.secret);
  } catch {
    return giveUp(env, deliveryId, now, "signing secret unreadable (was the key rotated?); set a new secret");
  }

  const resolved = await checkResolvedAddress(env, url.url);
  const result = resolved.ok
    ? await postWebhook(url.url, secret, event.envelope as unknown as EventEnvelope, now)
    : { ok: false, statusCode: null, error: resolved.reason, latencyMs: 0 };
  const attempts = row.attempts + 1;
  const outcome = {
    attempts,
    lastStatusCode: result.statusCode,
    lastError: result.error,
    latencyMs: result.latencyMs,
  };
  if (result.ok) {
    await recordAttempt(db, deliveryId, { ...outcome, status: "succeeded", nextRetryAt: null }, Date.now());
    return DONE;
  }
  if (attempts >= policy.maxAttempts) {
    await recordAttempt(db, deliveryId, { ...outcome, status: "failed", nextRetryAt: null }, Date.now());
    return { kind: "dead-letter" };
  }
  const delaySeconds = backoffSeconds(policy, attempts);
  await recordAttempt(
    db,
    deliveryId,
    { ...outcome, status: "failed", nextRetryAt: Date.now() + delaySeconds * 1000 },
    Date.now(),
  );
  return { kind: "retry", delaySeconds };
}

async function giveUp(env: Env, id: string, now: number, reason: string): Promise<AttemptResult> {
  console.warn(`webhook delivery ${id} abandoned: ${reason}`);
  await markDead(createDb(env.DB), id, now, reason);
  return DONE;
}
