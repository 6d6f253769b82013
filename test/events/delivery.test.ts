import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EventEnvelope } from "../../src/events/envelope";
import { verifySignature } from "../../src/events/verify-signature";
import worker from "../../src/index";
import { api, createModel, json, uniqueName } from "../support/api";
import { deliveriesOf, hookUrl, received, sleep, subscribe, until } from "./support";

const succeeded = (ds: { status: string }[]) => ds.length > 0 && ds.every((d) => d.status === "succeeded");

/**
 * Real queues (registry-events → registry-deliveries → its DLQ) and a real HTTP receiver on
 * 127.0.0.1. The test config sets WEBHOOK_MAX_ATTEMPTS=3 and a 1 s retry base.
 */
describe("webhook delivery", () => {
  it("an event committed but never enqueued is delivered by the sweeper, once per subscription", async () => {
    const model = uniqueName("swept");
    const [a, b] = [uniqueName("a"), uniqueName("b")];
    const subA = await subscribe({ url: hookUrl(a), model_pattern: model });
    const subB = await subscribe({ url: hookUrl(b), model_pattern: model });
    // What the ledger writes in its batch, with the send after commit lost (a crash).
    const id = `evt_swept_${Date.now()}`;
    const envelope: EventEnvelope = {
      id,
      type: "model.created",
      timestamp: new Date().toISOString(),
      sequence: 1,
      model,
      version: null,
      actor: "admin",
      request_id: "req_test",
      data: { after: { name: model } },
    };
    await env.DB.prepare(
      "insert into outbox_events (id, model_id, model_name, sequence, type, envelope, created_at, sent_at) values (?, ?, ?, 1, 'model.created', ?, ?, null)",
    )
      .bind(id, `mdl_${model}`, model, JSON.stringify(envelope), Date.now() - 60_000)
      .run();
    await sleep(2000);
    expect(await received(a)).toEqual([]); // nothing was sent: the queue never heard of it

    await worker.scheduled(
      createScheduledController({ scheduledTime: Date.now(), cron: "*/5 * * * *" }),
      env,
    );
    await until(() => deliveriesOf(subA.id), succeeded);
    await until(() => deliveriesOf(subB.id), succeeded);

    // The same event again (a duplicate queue message) and another sweep change nothing.
    await env.EVENTS.send(envelope, { contentType: "json" });
    await worker.scheduled(
      createScheduledController({ scheduledTime: Date.now(), cron: "*/5 * * * *" }),
      env,
    );
    await sleep(3000);

    for (const [key, sub, other] of [
      [a, subA, subB],
      [b, subB, subA],
    ] as const) {
      const deliveries = await deliveriesOf(sub.id);
      expect(deliveries).toHaveLength(1);
      expect(deliveries[0]).toMatchObject({
        event_id: id,
        status: "succeeded",
        attempts: 1,
        last_status_code: 200,
      });
      const got = await received(key);
      expect(got).toHaveLength(1);
      expect(got[0]?.headers["webhook-id"]).toBe(id);
      expect(JSON.parse(got[0]?.body ?? "{}")).toEqual(envelope);
      const headers = got[0]?.headers as Record<string, string>;
      expect(await verifySignature(sub.secret, headers, got[0]?.body ?? "")).toEqual({ ok: true });
      expect((await verifySignature(other.secret, headers, got[0]?.body ?? "")).ok).toBe(false);
    }
    const row = await env.DB.prepare("select sent_at from outbox_events where id = ?").bind(id).first();
    expect(row?.sent_at).not.toBeNull();
  });

  it("a receiver failing twice gets three attempts and one success; its sibling is not repeated", async () => {
    const model = uniqueName("flaky");
    const [flakyKey, steadyKey] = [uniqueName("flaky"), uniqueName("steady")];
    const flaky = await subscribe({ url: hookUrl(flakyKey, "?fail=2"), model_pattern: model });
    const steady = await subscribe({ url: hookUrl(steadyKey), model_pattern: model });
    await createModel(model);

    const [delivery] = await until(() => deliveriesOf(flaky.id), succeeded);
    expect(delivery).toMatchObject({
      status: "succeeded",
      attempts: 3,
      last_status_code: 200,
      last_error: null,
    });
    expect(delivery?.next_retry_at).toBeNull();
    const got = await received(flakyKey);
    expect(got.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(new Set(got.map((r) => r.headers["webhook-id"])).size).toBe(1);
    for (const r of got) {
      expect(await verifySignature(flaky.secret, r.headers as Record<string, string>, r.body)).toEqual({
        ok: true,
      });
    }
    // Retries wait (1 s base, doubling, jittered): the attempts are spread out, not immediate.
    const times = got.map((r) => Number(r.headers["webhook-timestamp"]));
    expect((times[2] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(1);

    expect(await deliveriesOf(steady.id)).toMatchObject([{ status: "succeeded", attempts: 1 }]);
    expect(await received(steadyKey)).toHaveLength(1);
  });

  it("a receiver that always fails ends dead after the configured attempts; redelivery starts afresh", async () => {
    const model = uniqueName("down");
    const key = uniqueName("down");
    const sub = await subscribe({ url: hookUrl(key, "?fail=always"), model_pattern: model });
    await createModel(model);

    const [dead] = await until(
      () => deliveriesOf(sub.id),
      (ds) => ds[0]?.status === "dead",
    );
    expect(dead).toMatchObject({ attempts: 3, last_status_code: 500, next_retry_at: null });
    expect(dead?.last_error).toMatch(/^HTTP 500/);
    await sleep(2500);
    expect(await received(key)).toHaveLength(3); // nothing after the last attempt

    const res = await api("POST", `/api/v1/deliveries/${dead?.id}/redeliver`);
    expect(res.status).toBe(202);
    expect(await json(res)).toMatchObject({ id: dead?.id, status: "pending", attempts: 0 });
    await until(
      () => deliveriesOf(sub.id),
      (ds) => ds[0]?.status === "dead" && ds[0]?.attempts === 3,
    );
    await until(
      () => received(key),
      (r) => r.length === 6,
    );
    const audit = await env.DB.prepare("select action, chain from audit_log where target = ?")
      .bind(`delivery:${dead?.id}`)
      .all();
    expect(audit.results).toEqual([{ action: "webhook_delivery.redelivered", chain: "system" }]);
  });

  it("does not follow redirects: a 3xx is a failed attempt", async () => {
    const model = uniqueName("redirect");
    const key = uniqueName("redirect");
    const sub = await subscribe({ url: hookUrl(key, "?redirect=1"), model_pattern: model });
    await createModel(model);
    const [dead] = await until(
      () => deliveriesOf(sub.id),
      (ds) => ds[0]?.status === "dead",
    );
    expect(dead).toMatchObject({ attempts: 3, last_status_code: 302 });
    expect(dead?.last_error).toMatch(/redirects are not followed/);
  });

  it("delivers only matching event types and models, in sequence order per model", async () => {
    const model = uniqueName("match");
    const [aliasKey, allKey] = [uniqueName("alias"), uniqueName("all")];
    const aliasOnly = await subscribe({
      url: hookUrl(aliasKey),
      events: ["alias.set"],
      model_pattern: model,
    });
    await subscribe({ url: hookUrl(allKey), model_pattern: `${model}*` });
    const paused = await subscribe({
      url: hookUrl(uniqueName("paused")),
      model_pattern: model,
      active: false,
    });
    const other = uniqueName("other");
    await createModel(other);
    await createModel(model);
    for (let i = 0; i < 2; i++) {
      const v = await api("POST", `/api/v1/models/${model}/versions`, { body: { metrics: { auc: 0.9 } } });
      expect(v.status).toBe(201);
    }
    expect(
      (await api("PUT", `/api/v1/models/${model}/aliases/champion`, { body: { version: 1 } })).status,
    ).toBe(200);
    expect(
      (await api("PUT", `/api/v1/models/${model}/aliases/champion`, { body: { version: 2 } })).status,
    ).toBe(200);

    const all = await until(
      () => received(allKey),
      (r) => r.length >= 5,
    );
    const events = all.map((r) => JSON.parse(r.body) as EventEnvelope);
    expect(events.map((e) => e.type)).toEqual([
      "model.created",
      "model_version.created",
      "model_version.created",
      "alias.set",
      "alias.set",
    ]);
    expect(events.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5]);
    expect(events.every((e) => e.model === model)).toBe(true);
    const aliasEvents = await until(
      () => received(aliasKey),
      (r) => r.length >= 2,
    );
    expect(aliasEvents.map((r) => (JSON.parse(r.body) as EventEnvelope).type)).toEqual([
      "alias.set",
      "alias.set",
    ]);
    await sleep(1500);
    expect(await received(aliasKey)).toHaveLength(2);
    expect(await deliveriesOf(paused.id)).toEqual([]);
    expect(await deliveriesOf(aliasOnly.id)).toHaveLength(2);
  });
});
