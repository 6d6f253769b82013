import { env } from "cloudflare:workers";
import { api, json } from "../support/api";

export interface Received {
  headers: Record<string, string | undefined>;
  body: string;
  status: number;
}
export interface Delivery {
  id: string;
  event_id: string;
  subscription_id: string;
  status: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  latency_ms: number | null;
  next_retry_at: string | null;
  sequence: number;
}

/** A URL on the real receiver (test/e2e/support/webhook-receiver.ts); `query` picks its behaviour. */
export const hookUrl = (key: string, query = "") => `${env.WEBHOOK_RECEIVER_URL}/hooks/${key}${query}`;

export async function received(key: string): Promise<Received[]> {
  return (await fetch(`${env.WEBHOOK_RECEIVER_URL}/log/${key}`)).json();
}

export async function subscribe(body: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const res = await api("POST", "/api/v1/webhooks", { body: { events: ["*"], ...body } });
  if (res.status !== 201) throw new Error(`subscribe: ${res.status} ${await res.text()}`);
  return json(res);
}

export async function deliveriesOf(subscriptionId: string): Promise<Delivery[]> {
  const res = await api("GET", `/api/v1/webhooks/${subscriptionId}/deliveries`);
  return (await json<{ items: Delivery[] }>(res)).items;
}

/** Polls until `done(value)` holds; fails with the last value seen. */
export async function until<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await probe();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`timed out; last value: ${JSON.stringify(value)}`);
    await sleep(200);
    value = await probe();
  }
  return value;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
