/**
 * Consumer of the `registry-events` queue. Messages are event envelopes from the outbox; fan-out to
 * webhook subscriptions hangs off `deliver`. Messages that keep failing are retried by the queue
 * with backoff and end in the dead-letter queue, whose consumer records them: nothing is dropped
 * silently.
 */
import type { EventEnvelope } from "./envelope";

export const EVENTS_QUEUE = "registry-events";
export const EVENTS_DLQ = "registry-events-dlq";

/** Seconds before the n-th retry: exponential with jitter, capped at 10 minutes. */
export function retryDelaySeconds(attempts: number): number {
  const base = Math.min(600, 2 ** Math.min(attempts, 10));
  return Math.round(base / 2 + Math.random() * (base / 2));
}

export type Deliver = (env: Env, event: EventEnvelope) => Promise<void>;

/** No subscribers are wired yet (webhooks come with the events capability): accept the event. */
const deliverNowhere: Deliver = async () => {};

export async function consumeEvents(
  batch: MessageBatch<EventEnvelope>,
  env: Env,
  deliver: Deliver = deliverNowhere,
) {
  for (const message of batch.messages) {
    try {
      await deliver(env, message.body);
      message.ack();
    } catch (error) {
      console.warn(`event ${message.body.id} delivery failed (attempt ${message.attempts})`, error);
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
}

export async function consumeDeadLetters(batch: MessageBatch<EventEnvelope>) {
  for (const message of batch.messages) {
    console.error(`event ${message.body.id} (${message.body.type}) dead-lettered after retries`);
    message.ack();
  }
}
