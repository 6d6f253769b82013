/**
 * The Worker's queue handler. Two stages, each with its own dead-letter queue:
 *   registry-events      (event envelopes from the outbox)  → fan-out to matching subscriptions
 *   registry-deliveries  (one message per delivery)         → signed POST, retried with backoff
 * Nothing is dropped silently: a delivery that exhausts its attempts goes to registry-deliveries-dlq,
 * whose consumer marks it `dead`; an event whose fan-out keeps failing goes to registry-events-dlq,
 * whose consumer marks its outbox row unsent again so the sweeper re-enqueues it later.
 */
import { createDb } from "../db/client";
import { markDead } from "../db/repos/deliveries-repo";
import { markUnsent } from "../db/repos/outbox-repo";
import { activeWebhooks, type WebhookRow } from "../db/repos/webhooks-repo";
import { replicateAfterAll } from "../jobs/replicate";
import { attemptDelivery, type DeliveryMessage } from "./deliver";
import type { EventEnvelope } from "./envelope";
import { fanOut } from "./fan-out";
import { backoffSeconds, retryPolicy } from "./retry-policy";

export const EVENTS_QUEUE = "registry-events";
export const EVENTS_DLQ = "registry-events-dlq";
export const DELIVERIES_QUEUE = "registry-deliveries";
export const DELIVERIES_DLQ = "registry-deliveries-dlq";

export type QueueBody = EventEnvelope | DeliveryMessage;

export async function handleQueue(batch: MessageBatch<QueueBody>, env: Env): Promise<void> {
  switch (batch.queue) {
    case EVENTS_QUEUE:
      return consumeEvents(batch as MessageBatch<EventEnvelope>, env);
    case EVENTS_DLQ:
      return consumeDeadLetters(batch as MessageBatch<EventEnvelope>, env);
    case DELIVERIES_QUEUE:
      return consumeDeliveries(batch as MessageBatch<DeliveryMessage>, env);
    case DELIVERIES_DLQ:
      return consumeDeliveryDeadLetters(batch as MessageBatch<DeliveryMessage>, env);
    default:
      console.error(`no consumer for queue ${batch.queue}; retrying the batch`);
      batch.retryAll();
  }
}

/** Seconds before the n-th retry of a fan-out: exponential with jitter, capped at 10 minutes. */
export function retryDelaySeconds(attempts: number): number {
  const base = Math.min(600, 2 ** Math.min(attempts, 10));
  return Math.round(base / 2 + Math.random() * (base / 2));
}

export async function consumeEvents(batch: MessageBatch<EventEnvelope>, env: Env): Promise<void> {
  // In sequence order per model, so deliveries are enqueued in the order the changes happened.
  const messages = [...batch.messages].sort(
    (a, b) => a.body.model.localeCompare(b.body.model) || a.body.sequence - b.body.sequence,
  );
  // The subscriptions are read once per batch, not once per event (issue 13).
  let active: WebhookRow[];
  try {
    active = await activeWebhooks(createDb(env.DB));
  } catch (error) {
    console.warn("subscriptions not readable; retrying the batch", error);
    for (const message of messages) message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    return;
  }
  const fannedOut: Message<EventEnvelope>[] = [];
  for (const message of messages) {
    try {
      await fanOut(env, message.body, Date.now(), active);
      fannedOut.push(message);
    } catch (error) {
      console.warn(`event ${message.body.id} fan-out failed (attempt ${message.attempts})`, error);
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
  // Issue 16: a version that may now serve gets its second copy (idempotent, so a retry is safe);
  // one request per model for the whole batch. Acked only once asked for: a failure retries them.
  try {
    await replicateAfterAll(
      env,
      fannedOut.map((m) => m.body),
    );
  } catch (error) {
    console.warn("replication not requested; retrying the batch's events", error);
    for (const message of fannedOut) message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    return;
  }
  for (const message of fannedOut) message.ack();
}

export async function consumeDeadLetters(batch: MessageBatch<EventEnvelope>, env: Env): Promise<void> {
  const db = createDb(env.DB);
  for (const message of batch.messages) {
    console.error(
      `event ${message.body.id} (${message.body.type}) dead-lettered after retries; the outbox sweeper will re-send it`,
    );
    await markUnsent(db, message.body.id);
    message.ack();
  }
}

/**
 * Deliveries of one subscription run one after another (so a receiver sees a model's events in
 * sequence order); different subscriptions run side by side.
 */
export async function consumeDeliveries(batch: MessageBatch<DeliveryMessage>, env: Env): Promise<void> {
  const policy = retryPolicy(env);
  const bySubscription = Map.groupBy(batch.messages, (m) => m.body.subscription_id);
  await Promise.all(
    [...bySubscription.values()].map(async (messages) => {
      for (const message of messages) {
        try {
          const result = await attemptDelivery(env, message.body.delivery_id, policy);
          if (result.kind === "retry") {
            message.retry({ delaySeconds: result.delaySeconds });
            continue;
          }
          if (result.kind === "dead-letter") {
            await env.DELIVERIES_DLQ.send(message.body, { contentType: "json" });
          }
          message.ack();
        } catch (error) {
          // Our own failure (D1, queue): retry; the queue's max_retries backstop dead-letters it.
          console.error(`delivery ${message.body.delivery_id} errored (attempt ${message.attempts})`, error);
          message.retry({ delaySeconds: backoffSeconds(policy, message.attempts) });
        }
      }
    }),
  );
}

export async function consumeDeliveryDeadLetters(
  batch: MessageBatch<DeliveryMessage>,
  env: Env,
): Promise<void> {
  const db = createDb(env.DB);
  for (const message of batch.messages) {
    console.error(`webhook delivery ${message.body.delivery_id} is dead after its last attempt`);
    await markDead(db, message.body.delivery_id, Date.now());
    message.ack();
  }
}
