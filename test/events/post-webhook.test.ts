import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EventEnvelope } from "../../src/events/envelope";
import { DELIVERY_TIMEOUT_MS, postWebhook } from "../../src/events/post-webhook";
import { openSecret, sealSecret } from "../../src/events/secret-box";
import { generateSecret } from "../../src/events/signature";
import { hookUrl } from "./support";

const event: EventEnvelope = {
  id: "evt_post",
  type: "model.created",
  timestamp: new Date().toISOString(),
  sequence: 1,
  model: "m",
  version: null,
  actor: "admin",
  request_id: "req",
  data: {},
};

describe("the signed POST is bounded", () => {
  it("gives up on a receiver that never answers after the timeout", { timeout: 30_000 }, async () => {
    const result = await postWebhook(hookUrl("hang", "?hang=1"), generateSecret(), event);
    expect(result).toMatchObject({ ok: false, statusCode: null, error: "timed out after 10 s" });
    expect(result.latencyMs).toBeGreaterThanOrEqual(DELIVERY_TIMEOUT_MS - 100);
    expect(result.latencyMs).toBeLessThan(DELIVERY_TIMEOUT_MS + 3000);
  });

  it("reads only a few KiB of an endless error body and keeps 500 characters of it", async () => {
    const started = Date.now();
    const result = await postWebhook(hookUrl("big", "?big=1"), generateSecret(), event);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.statusCode).toBe(500);
    expect(result.error?.startsWith("HTTP 500: xxx")).toBe(true);
    expect(result.error?.length).toBeLessThanOrEqual(510);
  });
});

describe("secrets at rest", () => {
  it("round-trip for their own subscription only, and not under another key", async () => {
    const secret = generateSecret();
    const sealed = await sealSecret(env, "whk_a", secret);
    expect(sealed).not.toContain(secret.slice(6));
    expect(await openSecret(env, "whk_a", sealed)).toBe(secret);
    await expect(openSecret(env, "whk_b", sealed)).rejects.toThrow();
    const otherKey = { ...env, WEBHOOK_SECRETS_KEY: "a different worker secret" } as Env;
    await expect(openSecret(otherKey, "whk_a", sealed)).rejects.toThrow();
    expect(await sealSecret(env, "whk_a", secret)).not.toBe(sealed); // fresh IV each time
  });
});
