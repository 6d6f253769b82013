import { describe, expect, it } from "vitest";
import { generateSecret, secretKeyBytes, sign, signedHeaders } from "../../src/events/signature";
import { verifySignature } from "../../src/events/verify-signature";

describe("Standard Webhooks signatures", () => {
  it("matches the specification's published test vector", async () => {
    // From the Standard Webhooks reference libraries' tests.
    const signature = await sign(
      "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      "msg_p5jXN8AQM9LWM0D4loKWxJek",
      1614265330,
      '{"test": 2432232314}',
    );
    expect(signature).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("generates whsec_ secrets of 32 random bytes", () => {
    const a = generateSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(secretKeyBytes(a)?.length).toBe(32);
    expect(generateSecret()).not.toBe(a);
    expect(secretKeyBytes("whsec_short")).toBeNull();
    expect(secretKeyBytes(`sk_${a.slice(6)}`)).toBeNull();
  });

  const now = 1_800_000_000;
  const body = JSON.stringify({ id: "evt_1", type: "model.created", sequence: 1 });

  it("verifies with the subscription's secret and fails with another", async () => {
    const secret = generateSecret();
    const headers = await signedHeaders(secret, "evt_1", now, body);
    expect(await verifySignature(secret, headers, body, { now })).toEqual({ ok: true });
    expect(await verifySignature(generateSecret(), headers, body, { now })).toEqual({
      ok: false,
      reason: "no matching signature",
    });
    expect(await verifySignature("whsec_nonsense", headers, body, { now })).toMatchObject({ ok: false });
  });

  it("fails when the body, id or timestamp was changed after signing", async () => {
    const secret = generateSecret();
    const headers = await signedHeaders(secret, "evt_1", now, body);
    expect((await verifySignature(secret, headers, `${body} `, { now })).ok).toBe(false);
    expect((await verifySignature(secret, { ...headers, "webhook-id": "evt_2" }, body, { now })).ok).toBe(
      false,
    );
    const shifted = { ...headers, "webhook-timestamp": String(now + 1) };
    expect((await verifySignature(secret, shifted, body, { now })).ok).toBe(false);
  });

  it("rejects timestamps older (or newer) than the 5 minute tolerance", async () => {
    const secret = generateSecret();
    const old = await signedHeaders(secret, "evt_1", now - 301, body);
    expect(await verifySignature(secret, old, body, { now })).toEqual({
      ok: false,
      reason: "timestamp outside the tolerance",
    });
    const edge = await signedHeaders(secret, "evt_1", now - 300, body);
    expect((await verifySignature(secret, edge, body, { now })).ok).toBe(true);
    const future = await signedHeaders(secret, "evt_1", now + 301, body);
    expect((await verifySignature(secret, future, body, { now })).ok).toBe(false);
    // The default clock is the real one: a signature made now passes, one from an hour ago does not.
    const fresh = await signedHeaders(secret, "evt_1", Math.floor(Date.now() / 1000), body);
    expect((await verifySignature(secret, new Headers(fresh), body)).ok).toBe(true);
    const stale = await signedHeaders(secret, "evt_1", Math.floor(Date.now() / 1000) - 3600, body);
    expect((await verifySignature(secret, new Headers(stale), body)).ok).toBe(false);
  });

  it("accepts any one of several space-separated signatures (secret rotation)", async () => {
    const [oldSecret, newSecret] = [generateSecret(), generateSecret()];
    const a = await sign(oldSecret, "evt_1", now, body);
    const b = await sign(newSecret, "evt_1", now, body);
    const headers = {
      "webhook-id": "evt_1",
      "webhook-timestamp": String(now),
      "webhook-signature": `${a} ${b}`,
    };
    expect((await verifySignature(newSecret, headers, body, { now })).ok).toBe(true);
    expect((await verifySignature(oldSecret, headers, body, { now })).ok).toBe(true);
    expect((await verifySignature(generateSecret(), headers, body, { now })).ok).toBe(false);
  });

  it("refuses missing or malformed headers", async () => {
    const secret = generateSecret();
    expect((await verifySignature(secret, {}, body, { now })).ok).toBe(false);
    const headers = await signedHeaders(secret, "evt_1", now, body);
    expect(
      (await verifySignature(secret, { ...headers, "webhook-timestamp": "12abc" }, body, { now })).ok,
    ).toBe(false);
  });
});
