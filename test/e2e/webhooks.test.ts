import { createHmac, timingSafeEqual } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventEnvelope } from "../../src/events/envelope";
import { verifySignature } from "../../src/events/verify-signature";
import { client, startTestRegistry, type TestRegistry } from "./support/server";
import { startWebhookReceiver, type WebhookReceiver } from "./support/webhook-receiver";

/** The README's minimal receiver check ("Events and webhooks"), verbatim: plain node:crypto. */
function verify(secret: string, headers: Record<string, string | undefined>, body: string): boolean {
  const id = headers["webhook-id"];
  const ts = headers["webhook-timestamp"];
  if (!id || !ts || Math.abs(Date.now() / 1000 - Number(ts)) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected = Buffer.from(
    `v1,${createHmac("sha256", key).update(`${id}.${ts}.${body}`).digest("base64")}`,
  );
  return (headers["webhook-signature"] ?? "")
    .split(" ")
    .some((sig) => sig.length === expected.length && timingSafeEqual(Buffer.from(sig), expected));
}

async function until<T>(probe: () => T | Promise<T>, done: (v: T) => boolean, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("webhooks against the real server (npm start) and a real receiver", () => {
  let registry: TestRegistry;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    registry = await startTestRegistry();
  });
  afterAll(async () => {
    await registry?.stop();
    await receiver?.close();
  });

  it("delivers a promotion's signed events in sequence order per model", async () => {
    const call = client(registry);
    const ok = async (method: string, path: string, body?: unknown, token?: string) => {
      const res = token
        ? await fetch(`${registry.url}${path}`, {
            method,
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: JSON.stringify(body ?? {}),
          })
        : await call(method, path, body);
      expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBeLessThan(300);
      return (await res.json()) as Record<string, unknown>;
    };

    const hook = await ok("POST", "/api/v1/webhooks", {
      url: `${receiver.url}/hooks/promo`,
      events: ["*"],
      model_pattern: "e2e-promo*",
      description: "release pipeline",
    });
    const secret = String(hook.secret);
    // Another model's events interleave on the server but must not reach this subscription.
    await ok("POST", "/api/v1/models", { name: "e2e-other" });

    const m = "/api/v1/models/e2e-promo";
    await ok("POST", "/api/v1/models", { name: "e2e-promo" });
    await ok("POST", `${m}/versions`, { metrics: { auc: 0.97 } });
    await ok("POST", `${m}/versions`, { metrics: { auc: 0.98 } });
    await ok("PUT", `${m}/aliases/champion`, { version: 1 });
    await ok("POST", `${m}/versions/1/transitions`, { to: "Staging", comment: "offline eval passed" });
    const approver = String(
      (await ok("POST", "/api/v1/tokens", { name: "reviewer", role: "approver" })).token,
    );
    const request = await ok("POST", `${m}/versions/1/approval-requests`, {
      to: "Production",
      comment: "ship",
    });
    await ok("POST", `/api/v1/approval-requests/${request.id}/approve`, { comment: "lgtm" }, approver);
    await ok("PUT", `${m}/aliases/champion`, { version: 2 });

    const got = await until(
      () => receiver.received("promo"),
      (r) => r.filter((x) => (JSON.parse(x.body) as EventEnvelope).type === "alias.set").length === 2,
    );
    const events = got.map((r) => JSON.parse(r.body) as EventEnvelope);
    expect(events.every((e) => e.model === "e2e-promo")).toBe(true);
    // In sequence order, 1, 2, 3 …, each once.
    const sequences = events.map((e) => e.sequence);
    expect(sequences[0]).toBe(1);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    expect(new Set(sequences).size).toBe(sequences.length);
    const types = events.map((e) => e.type);
    expect(types.slice(0, 4)).toEqual([
      "model.created",
      "model_version.created",
      "model_version.created",
      "alias.set",
    ]);
    expect(types).toContain("model_version.stage_changed");
    expect(types).toContain("approval.requested");
    expect(types).toContain("approval.approved");
    expect(types.at(-1)).toBe("alias.set");
    const production = events.find(
      (e) => e.type === "model_version.stage_changed" && JSON.stringify(e.data).includes("Production"),
    );
    expect(production, `a stage change to Production among ${types.join(", ")}`).toBeDefined();

    for (const r of got) {
      expect(r.status).toBe(200);
      expect(r.headers["webhook-id"]).toBe((JSON.parse(r.body) as EventEnvelope).id);
      expect(verify(secret, r.headers, r.body)).toBe(true);
      expect(await verifySignature(secret, r.headers as Record<string, string>, r.body)).toEqual({
        ok: true,
      });
      expect(verify("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", r.headers, r.body)).toBe(false);
    }

    const log = await ok("GET", `/api/v1/webhooks/${hook.id}/deliveries?page_size=100`);
    const deliveries = log.items as { status: string; attempts: number; latency_ms: number }[];
    expect(deliveries).toHaveLength(events.length);
    expect(deliveries.every((d) => d.status === "succeeded" && d.attempts === 1 && d.latency_ms >= 0)).toBe(
      true,
    );
  });

  it("retries a failing receiver through the server's own queues until it succeeds", async () => {
    const call = client(registry);
    const res = await call("POST", "/api/v1/webhooks", {
      url: `${receiver.url}/hooks/flaky?fail=1`,
      events: ["model.created"],
      model_pattern: "e2e-flaky",
    });
    expect(res.status).toBe(201);
    const hook = (await res.json()) as { id: string; secret: string };
    expect((await call("POST", "/api/v1/models", { name: "e2e-flaky" })).status).toBe(201);
    // The default first backoff is 15 s (jittered down to ≥ 8 s): wait for the retry.
    const got = await until(
      () => receiver.received("flaky"),
      (r) => r.length >= 2,
      60_000,
    );
    expect(got.map((r) => r.status)).toEqual([500, 200]);
    expect(got[0]?.headers["webhook-id"]).toBe(got[1]?.headers["webhook-id"]);
    expect(verify(hook.secret, got[1]?.headers ?? {}, got[1]?.body ?? "")).toBe(true);
    const log = (await (await call("GET", `/api/v1/webhooks/${hook.id}/deliveries`)).json()) as {
      items: { status: string; attempts: number }[];
    };
    expect(log.items).toMatchObject([{ status: "succeeded", attempts: 2 }]);
  });
});
