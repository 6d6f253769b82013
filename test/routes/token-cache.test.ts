import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { TOKEN_CACHE_TTL_MS } from "../../src/middleware/token-cache";
import { api, json } from "../support/api";

/** A fresh viewer token, already used once (so it sits in the isolate's cache). */
async function cachedToken(): Promise<{ id: string; token: string }> {
  const created = await json<{ id: string; token: string }>(
    await api("POST", "/api/v1/tokens", { body: { name: "cache-probe", role: "viewer" } }),
  );
  expect((await api("GET", "/api/v1/models", { token: created.token })).status).toBe(200);
  return created;
}

/** The clock the Worker reads, moved forward (tests and the Worker share one isolate). */
function advanceClock(ms: number) {
  const real = Date.now();
  vi.spyOn(Date, "now").mockImplementation(() => real + ms);
}

describe("token cache", () => {
  afterEach(() => vi.restoreAllMocks());

  it("a token revoked through the API is refused at once", async () => {
    const { id, token } = await cachedToken();
    expect((await api("DELETE", `/api/v1/tokens/${id}`)).status).toBe(200);
    expect((await api("GET", "/api/v1/models", { token })).status).toBe(401);
  });

  it("a token revoked elsewhere (another isolate) is refused once the TTL has passed", async () => {
    const { id, token } = await cachedToken();
    // What another isolate's revocation looks like from here: only D1 changed.
    await env.DB.prepare("update tokens set revoked_at = ? where id = ?").bind(Date.now(), id).run();
    expect((await api("GET", "/api/v1/models", { token })).status).toBe(200); // within the bound
    advanceClock(TOKEN_CACHE_TTL_MS + 1);
    expect((await api("GET", "/api/v1/models", { token })).status).toBe(401);
  });

  it("an unknown token is never cached: it works as soon as it exists in D1", async () => {
    const secret = `mrt_unknown_${crypto.randomUUID()}`;
    expect((await api("GET", "/api/v1/models", { token: secret })).status).toBe(401);
    expect((await api("GET", "/api/v1/models", { token: secret })).status).toBe(401);
    await env.DB.prepare(
      "insert into tokens (id, name, role, scopes, token_hash, created_by, created_at, expires_at, revoked_at) values (?, 'late', 'viewer', null, ?, 'test', ?, null, null)",
    )
      .bind(`tok_late_${crypto.randomUUID()}`, await sha256Hex(secret), Date.now())
      .run();
    expect((await api("GET", "/api/v1/models", { token: secret })).status).toBe(200);
  });

  it("a cached entry never outlives the token's own expiry", async () => {
    const { id, token } = await json<{ id: string; token: string }>(
      await api("POST", "/api/v1/tokens", { body: { name: "short-lived", role: "viewer" } }),
    );
    await env.DB.prepare("update tokens set expires_at = ? where id = ?")
      .bind(Date.now() + 1_000, id)
      .run();
    expect((await api("GET", "/api/v1/models", { token })).status).toBe(200); // now cached
    advanceClock(1_500); // past its expiry, well within the TTL
    expect((await api("GET", "/api/v1/models", { token })).status).toBe(401);
  });
});
