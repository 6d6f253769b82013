/**
 * Finding 7, delivery time: a hostname is checked where it resolves right before each POST
 * (DNS over HTTPS; in tests a stand-in resolver on 127.0.0.1, see test/e2e/support/webhook-receiver.ts),
 * so a public-looking name that answers with a private address is never fetched.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { checkResolvedAddress } from "../../src/events/resolve-check";
import { deliveriesOf, subscribe, until } from "../events/support";
import { createModel, uniqueName } from "../support/api";

describe("the resolved address is checked before every delivery", () => {
  it("names answering with loopback or mapped metadata addresses are refused; public ones pass", async () => {
    expect(await checkResolvedAddress(env, "https://a.rebind.test/h")).toMatchObject({
      ok: false,
      reason: expect.stringContaining("127.0.0.1"),
    });
    expect(await checkResolvedAddress(env, "https://a.mapped.test/h")).toMatchObject({
      ok: false,
      reason: expect.stringContaining("169.254.169.254"),
    });
    expect(await checkResolvedAddress(env, "https://a.public.test/h")).toEqual({ ok: true });
  });

  it("what cannot be checked is not sent: SERVFAIL, no such name, a resolver answering garbage", async () => {
    expect((await checkResolvedAddress(env, "https://a.broken.test/h")).ok).toBe(false);
    expect((await checkResolvedAddress(env, "https://nothing.example/h")).ok).toBe(false);
    const offline = {
      ...env,
      WEBHOOK_DNS_RESOLVER: `${env.WEBHOOK_RECEIVER_URL}/not-a-resolver`,
    } as unknown as Env;
    expect((await checkResolvedAddress(offline, "https://a.public.test/h")).ok).toBe(false);
    // IP literals were judged by the URL check already; localhost only in local development.
    expect((await checkResolvedAddress(offline, "http://127.0.0.1:9/h")).ok).toBe(true);
    expect((await checkResolvedAddress(offline, "http://localhost:9/h")).ok).toBe(true);
  });

  it("a subscription to a rebinding name records the refusal and never posts", async () => {
    const model = uniqueName("rebind");
    const sub = await subscribe({ url: `https://${uniqueName("h")}.rebind.test/hook`, model_pattern: model });
    await createModel(model);
    const [delivery] = await until(
      () => deliveriesOf(sub.id),
      (ds) => ds.length > 0 && ds[0]?.attempts !== undefined && ds[0].attempts >= 1,
    );
    expect(delivery?.last_error).toMatch(/resolves to 127\.0\.0\.1, a non-public address; not sent/);
    expect(delivery?.last_status_code).toBeNull();
  });
});
