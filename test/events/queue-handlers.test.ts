import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { DeliveryMessage } from "../../src/events/deliver";
import { handleQueue } from "../../src/events/queue-consumer";
import { backoffSeconds, retryPolicy } from "../../src/events/retry-policy";
import { uniqueName } from "../support/api";

async function insertDelivery(status: string, attempts: number) {
  const id = `dlv_${uniqueName("q")}`;
  await env.DB.prepare(
    "insert into webhook_deliveries (id, event_id, subscription_id, event_type, model_name, sequence, status, attempts, created_at, updated_at) values (?, ?, 'whk_gone', 'model.created', 'm', 1, ?, ?, 0, 0)",
  )
    .bind(id, `evt_${id}`, status, attempts)
    .run();
  return id;
}

const statusOf = async (id: string) =>
  (
    await env.DB.prepare("select status from webhook_deliveries where id = ?")
      .bind(id)
      .first<{ status: string }>()
  )?.status;

async function run(queue: string, bodies: unknown[]) {
  const batch = createMessageBatch(
    queue,
    bodies.map((body, i) => ({ id: `msg-${i}`, timestamp: Date.now(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await handleQueue(batch as MessageBatch<DeliveryMessage>, env);
  return getQueueResult(batch, ctx);
}

describe("queue handlers", () => {
  it("the deliveries DLQ consumer marks deliveries dead, but never demotes a success", async () => {
    const failed = await insertDelivery("failed", 3);
    const done = await insertDelivery("succeeded", 1);
    const message = (id: string) => ({ delivery_id: id, event_id: "e", subscription_id: "whk_gone" });
    const result = await run("registry-deliveries-dlq", [message(failed), message(done)]);
    expect(result.explicitAcks.sort()).toEqual(["msg-0", "msg-1"]);
    expect(await statusOf(failed)).toBe("dead");
    expect(await statusOf(done)).toBe("succeeded");
  });

  it("a delivery whose subscription is gone is recorded dead with the reason, not retried forever", async () => {
    const id = await insertDelivery("pending", 0);
    const result = await run("registry-deliveries", [
      { delivery_id: id, event_id: "e", subscription_id: "whk_gone" },
    ]);
    expect(result.explicitAcks).toEqual(["msg-0"]);
    expect(result.retryMessages).toEqual([]);
    const row = await env.DB.prepare("select status, last_error from webhook_deliveries where id = ?")
      .bind(id)
      .first();
    expect(row).toEqual({ status: "dead", last_error: "subscription deleted or inactive" });
  });

  it("the events DLQ consumer hands the event back to the outbox sweeper", async () => {
    const id = `evt_${uniqueName("dlq")}`;
    await env.DB.prepare(
      "insert into outbox_events (id, model_id, model_name, sequence, type, envelope, created_at, sent_at) values (?, 'mdl_x', 'x', ?, 'model.created', '{}', 0, 5)",
    )
      .bind(id, Math.floor(Math.random() * 1e9))
      .run();
    const result = await run("registry-events-dlq", [{ id, type: "model.created", model: "x", sequence: 1 }]);
    expect(result.explicitAcks).toEqual(["msg-0"]);
    const row = await env.DB.prepare("select sent_at from outbox_events where id = ?").bind(id).first();
    expect(row).toEqual({ sent_at: null });
  });

  it("an unknown queue's batch is retried, not acknowledged", async () => {
    const result = await run("registry-mystery", [{}]);
    expect(result.retryBatch.retry).toBe(true);
    expect(result.explicitAcks).toEqual([]);
  });
});

describe("retry policy", () => {
  it("reads the configured attempts and base from the environment (tests: 3 and 1 s)", () => {
    expect(retryPolicy(env)).toEqual({ maxAttempts: 3, baseSeconds: 1 });
    expect(retryPolicy({} as Env)).toEqual({ maxAttempts: 10, baseSeconds: 15 });
    expect(
      retryPolicy({ WEBHOOK_MAX_ATTEMPTS: "0", WEBHOOK_RETRY_BASE_SECONDS: "x" } as unknown as Env),
    ).toEqual({
      maxAttempts: 10,
      baseSeconds: 15,
    });
  });

  it("doubles per attempt with jitter between half and all of it, capped at an hour", () => {
    const policy = { maxAttempts: 10, baseSeconds: 15 };
    expect([1, 2, 3, 4].map((n) => backoffSeconds(policy, n, 1))).toEqual([15, 30, 60, 120]);
    expect([1, 2, 3, 4].map((n) => backoffSeconds(policy, n, 0))).toEqual([8, 15, 30, 60]);
    expect(backoffSeconds(policy, 30, 1)).toBe(3600);
    expect(backoffSeconds({ maxAttempts: 3, baseSeconds: 1 }, 1, 0)).toBe(1);
    for (let i = 0; i < 200; i++) {
      const d = backoffSeconds(policy, 3);
      expect(d).toBeGreaterThanOrEqual(30);
      expect(d).toBeLessThanOrEqual(60);
    }
  });
});
