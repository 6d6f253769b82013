import { describe, expect, it } from "vitest";
import { type Requirement, satisfies, TOKEN_ROLES } from "../../src/domain/roles";
import { api, createModel, createToken, json, uniqueName } from "../support/api";

/** A fresh model with version 1, alias `champion` and tag `k`, so every route has something to act on. */
async function fixture() {
  const name = uniqueName("roles");
  await createModel(name);
  await api("POST", `/api/v1/models/${name}/versions`, { body: {} });
  await api("PUT", `/api/v1/models/${name}/aliases/champion`, { body: { version: 1 } });
  await api("PUT", `/api/v1/models/${name}/tags/k`, { body: { value: "v" } });
  await api("PUT", `/api/v1/models/${name}/versions/1/tags/k`, { body: { value: "v" } });
  const token = await json<{ id: string }>(
    await api("POST", "/api/v1/tokens", { body: { name: "victim", role: "viewer" } }),
  );
  const webhook = await json<{ id: string }>(
    await api("POST", "/api/v1/webhooks", {
      body: { url: "https://hooks.example.com/r", events: ["*"], model_pattern: name },
    }),
  );
  return { name, tokenId: token.id, webhookId: webhook.id };
}

type Fixture = Awaited<ReturnType<typeof fixture>>;
interface RouteCase {
  method: string;
  path: (f: Fixture) => string;
  required: Requirement;
  body?: (f: Fixture) => unknown;
}

/** Every /api/v1 route of the registry core and the least role DESIGN.md gives it. */
const ROUTES: RouteCase[] = [
  {
    method: "POST",
    path: () => "/api/v1/models",
    required: "contributor",
    body: () => ({ name: uniqueName("new") }),
  },
  { method: "GET", path: () => "/api/v1/models", required: "read" },
  { method: "GET", path: (f) => `/api/v1/models/${f.name}`, required: "read" },
  {
    method: "PATCH",
    path: (f) => `/api/v1/models/${f.name}`,
    required: "contributor",
    body: () => ({ description: "d" }),
  },
  { method: "DELETE", path: (f) => `/api/v1/models/${f.name}`, required: "admin" },
  {
    method: "PUT",
    path: (f) => `/api/v1/models/${f.name}/tags/t`,
    required: "contributor",
    body: () => ({ value: "x" }),
  },
  { method: "DELETE", path: (f) => `/api/v1/models/${f.name}/tags/k`, required: "contributor" },
  {
    method: "POST",
    path: (f) => `/api/v1/models/${f.name}/versions`,
    required: "contributor",
    body: () => ({}),
  },
  { method: "GET", path: (f) => `/api/v1/models/${f.name}/versions`, required: "read" },
  { method: "GET", path: (f) => `/api/v1/models/${f.name}/versions/1`, required: "read" },
  {
    method: "PATCH",
    path: (f) => `/api/v1/models/${f.name}/versions/1`,
    required: "contributor",
    body: () => ({ description: "d" }),
  },
  {
    method: "PUT",
    path: (f) => `/api/v1/models/${f.name}/versions/1/tags/t`,
    required: "contributor",
    body: () => ({ value: "x" }),
  },
  { method: "DELETE", path: (f) => `/api/v1/models/${f.name}/versions/1/tags/k`, required: "contributor" },
  {
    method: "PUT",
    path: (f) => `/api/v1/models/${f.name}/aliases/shadow`,
    required: "contributor",
    body: () => ({ version: 1 }),
  },
  { method: "DELETE", path: (f) => `/api/v1/models/${f.name}/aliases/champion`, required: "contributor" },
  { method: "GET", path: (f) => `/api/v1/models/${f.name}/aliases/champion`, required: "read" },
  {
    method: "POST",
    path: () => "/api/v1/tokens",
    required: "admin",
    body: () => ({ name: "t", role: "viewer" }),
  },
  { method: "GET", path: () => "/api/v1/tokens", required: "admin" },
  { method: "DELETE", path: (f) => `/api/v1/tokens/${f.tokenId}`, required: "admin" },
  // issue 15: principals and webhooks
  {
    method: "POST",
    path: () => "/api/v1/principals",
    required: "admin",
    body: () => ({ name: uniqueName("p"), kind: "person" }),
  },
  { method: "GET", path: () => "/api/v1/principals", required: "admin" },
  {
    method: "POST",
    path: () => "/api/v1/webhooks",
    required: "admin",
    body: () => ({ url: "https://hooks.example.com/n", events: ["*"], model_pattern: "x-*" }),
  },
  { method: "GET", path: () => "/api/v1/webhooks", required: "admin" },
  { method: "GET", path: (f) => `/api/v1/webhooks/${f.webhookId}`, required: "admin" },
  {
    method: "PATCH",
    path: (f) => `/api/v1/webhooks/${f.webhookId}`,
    required: "admin",
    body: () => ({ description: "d" }),
  },
  { method: "DELETE", path: (f) => `/api/v1/webhooks/${f.webhookId}`, required: "admin" },
  { method: "GET", path: (f) => `/api/v1/webhooks/${f.webhookId}/deliveries`, required: "admin" },
];

describe("each role can do exactly what the design says and no more", async () => {
  const tokens = Object.fromEntries(
    await Promise.all(TOKEN_ROLES.map(async (r) => [r, await createToken(r)] as const)),
  );

  for (const route of ROUTES) {
    it(`${route.method} ${route.path({ name: "{name}", tokenId: "{id}", webhookId: "{id}" })} needs ${route.required}`, async () => {
      for (const role of TOKEN_ROLES) {
        const f = await fixture();
        const res = await api(route.method, route.path(f), { token: tokens[role], body: route.body?.(f) });
        const allowed = satisfies(role, route.required);
        if (allowed) expect([401, 403], `${role} must be allowed`).not.toContain(res.status);
        else {
          expect(res.status, `${role} must be refused`).toBe(403);
          expect(await res.json()).toMatchObject({ code: "PERMISSION_DENIED" });
        }
        expect(res.status, `${role}: no 5xx`).toBeLessThan(500);
      }
      const anonymous = await api(route.method, route.path(await fixture()), { token: null });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get("content-type")).toContain("application/problem+json");
    });
  }
});

describe("tokens", () => {
  it("a revoked token is refused; secrets are stored only as hashes", async () => {
    const created = await json<{ id: string; token: string }>(
      await api("POST", "/api/v1/tokens", { body: { name: "short-lived", role: "viewer" } }),
    );
    expect((await api("GET", "/api/v1/models", { token: created.token })).status).toBe(200);
    const { env } = await import("cloudflare:workers");
    const stored = await env.DB.prepare("select * from tokens where id = ?").bind(created.id).first();
    expect(JSON.stringify(stored)).not.toContain(created.token);
    expect((await api("DELETE", `/api/v1/tokens/${created.id}`)).status).toBe(200);
    const refused = await api("GET", "/api/v1/models", { token: created.token });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("list never shows secrets; unknown and malformed tokens are 401", async () => {
    const listed = await (await api("GET", "/api/v1/tokens")).text();
    expect(listed).not.toContain("mrt_");
    expect((await api("GET", "/api/v1/models", { token: "mrt_nope" })).status).toBe(401);
    const garbage = await api("GET", "/api/v1/models", {
      headers: { authorization: "Basic Zm9vOmJhcg==" },
      token: null,
    });
    expect(garbage.status).toBe(401);
  });

  it("a scoped token sees only its models; out of scope looks like not found", async () => {
    const team = uniqueName("fraud");
    const other = uniqueName("ads");
    await createModel(team);
    await createModel(other);
    const scoped = await createToken("contributor", [`${team.slice(0, 8)}*`]);
    expect((await api("GET", `/api/v1/models/${team}`, { token: scoped })).status).toBe(200);
    const hidden = await api("GET", `/api/v1/models/${other}`, { token: scoped });
    expect(hidden.status).toBe(404);
    expect(await hidden.json()).toMatchObject({ code: "MODEL_NOT_FOUND" });
    expect((await api("POST", `/api/v1/models/${other}/versions`, { token: scoped, body: {} })).status).toBe(
      404,
    );
    const names = (
      await json<{ items: { name: string }[] }>(
        await api("GET", "/api/v1/models?page_size=1000", { token: scoped }),
      )
    ).items.map((m) => m.name);
    expect(names).toContain(team);
    expect(names).not.toContain(other);
  });
});
