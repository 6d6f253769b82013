import { describe, expect, it } from "vitest";
import { api, createToken, json, uniqueName } from "../support/api";

/**
 * Invariant 9, scopes never widen (issue 15, finding 1): an admin token limited to `team-a-*`
 * cannot mint, see, change or revoke anything that reaches beyond `team-a-*`.
 */
const team = () => uniqueName("ta").replaceAll("-", "");
const hook = "https://hooks.example.com/registry";

async function setup() {
  const a = `${team()}-`;
  const b = `${team()}-`;
  const scopedAdmin = await createToken("admin", [`${a}*`]);
  return { a, b, scopedAdmin };
}

describe("a scoped admin stays inside its scopes", () => {
  it("cannot mint a token with wider scopes; omitted scopes inherit its own", async () => {
    const { a, b, scopedAdmin } = await setup();
    for (const scopes of [["*"], [`${b}*`], [`${a}*`, `${b}*`], ["*a*"], [`${a.slice(0, -2)}*`]]) {
      const res = await api("POST", "/api/v1/tokens", {
        token: scopedAdmin,
        body: { name: "esc", role: "admin", scopes },
      });
      expect(res.status, JSON.stringify(scopes)).toBe(403);
      expect(await json(res)).toMatchObject({ code: "SCOPE_WIDENING" });
    }
    const inherited = await json<{ scopes: string[] | null }>(
      await api("POST", "/api/v1/tokens", { token: scopedAdmin, body: { name: "esc", role: "admin" } }),
    );
    expect(inherited.scopes).toEqual([`${a}*`]);
    for (const scopes of [[`${a}*`], [`${a}x`], [`${a}x-*`]]) {
      const res = await api("POST", "/api/v1/tokens", {
        token: scopedAdmin,
        body: { name: "ok", role: "viewer", scopes },
      });
      expect(res.status, JSON.stringify(scopes)).toBe(201);
    }
    const tokens = await json<{ items: { scopes: string[] | null }[] }>(await api("GET", "/api/v1/tokens"));
    expect(tokens.items.some((t) => t.scopes?.includes("*a*"))).toBe(false);
  });

  it("lists, sees and revokes only tokens within its scopes", async () => {
    const { a, b, scopedAdmin } = await setup();
    const unscoped = await json<{ id: string }>(
      await api("POST", "/api/v1/tokens", { body: { name: "root", role: "admin" } }),
    );
    const other = await json<{ id: string }>(
      await api("POST", "/api/v1/tokens", { body: { name: "other", role: "viewer", scopes: [`${b}*`] } }),
    );
    const mixed = await json<{ id: string }>(
      await api("POST", "/api/v1/tokens", {
        body: { name: "mixed", role: "viewer", scopes: [`${a}x`, `${b}x`] },
      }),
    );
    const mine = await json<{ id: string }>(
      await api("POST", "/api/v1/tokens", { body: { name: "mine", role: "viewer", scopes: [`${a}x`] } }),
    );
    const listed = await json<{ items: { id: string; scopes: string[] | null }[] }>(
      await api("GET", "/api/v1/tokens", { token: scopedAdmin }),
    );
    const ids = listed.items.map((t) => t.id);
    expect(ids).toContain(mine.id);
    for (const hidden of [unscoped.id, other.id, mixed.id]) expect(ids).not.toContain(hidden);
    expect(listed.items.every((t) => t.scopes?.every((s) => s.startsWith(a)))).toBe(true);

    for (const hidden of [unscoped.id, other.id, mixed.id]) {
      const res = await api("DELETE", `/api/v1/tokens/${hidden}`, { token: scopedAdmin });
      expect(res.status).toBe(404);
      expect(await json(res)).toMatchObject({ code: "TOKEN_NOT_FOUND" });
    }
    const still = await json<{ items: { id: string; revoked_at: string | null }[] }>(
      await api("GET", "/api/v1/tokens"),
    );
    expect(
      still.items
        .filter((t) => [unscoped.id, other.id, mixed.id].includes(t.id))
        .every((t) => t.revoked_at === null),
    ).toBe(true);
    expect((await api("DELETE", `/api/v1/tokens/${mine.id}`, { token: scopedAdmin })).status).toBe(200);
  });

  it("cannot subscribe a webhook to other teams' events, nor to every model", async () => {
    const { a, b, scopedAdmin } = await setup();
    for (const model_pattern of [`${b}*`, "*", null, undefined, `${a.slice(0, -2)}*`]) {
      const res = await api("POST", "/api/v1/webhooks", {
        token: scopedAdmin,
        body: { url: hook, events: ["*"], ...(model_pattern === undefined ? {} : { model_pattern }) },
      });
      expect(res.status, String(model_pattern)).toBe(403);
      expect(await json(res)).toMatchObject({ code: "SCOPE_WIDENING" });
    }
    const ok = await api("POST", "/api/v1/webhooks", {
      token: scopedAdmin,
      body: { url: hook, events: ["*"], model_pattern: `${a}fraud` },
    });
    expect(ok.status).toBe(201);
  });

  it("sees, re-points and deletes only webhooks within its scopes", async () => {
    const { a, b, scopedAdmin } = await setup();
    const create = async (model_pattern: string | null) =>
      (
        await json<{ id: string }>(
          await api("POST", "/api/v1/webhooks", { body: { url: hook, events: ["*"], model_pattern } }),
        )
      ).id;
    const theirs = await create(`${b}*`);
    const global = await create(null);
    const mine = await create(`${a}*`);
    const listed = await json<{ items: { id: string }[] }>(
      await api("GET", "/api/v1/webhooks?page_size=1000", { token: scopedAdmin }),
    );
    const ids = listed.items.map((w) => w.id);
    expect(ids).toContain(mine);
    expect(ids).not.toContain(theirs);
    expect(ids).not.toContain(global);
    for (const id of [theirs, global]) {
      for (const [method, path, body] of [
        ["GET", `/api/v1/webhooks/${id}`, undefined],
        ["PATCH", `/api/v1/webhooks/${id}`, { model_pattern: `${a}*` }],
        ["PATCH", `/api/v1/webhooks/${id}`, { url: "https://evil.example.com/" }],
        ["DELETE", `/api/v1/webhooks/${id}`, undefined],
        ["GET", `/api/v1/webhooks/${id}/deliveries`, undefined],
      ] as const) {
        const res = await api(method, path, { token: scopedAdmin, body });
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(await json(res)).toMatchObject({ code: "WEBHOOK_NOT_FOUND" });
      }
    }
    const unchanged = await json<{ url: string; model_pattern: string | null }>(
      await api("GET", `/api/v1/webhooks/${theirs}`),
    );
    expect(unchanged).toMatchObject({ url: hook, model_pattern: `${b}*` });
    // Its own webhook cannot be widened either.
    const widen = await api("PATCH", `/api/v1/webhooks/${mine}`, {
      token: scopedAdmin,
      body: { model_pattern: "*" },
    });
    expect(widen.status).toBe(403);
    const narrowed = await api("PATCH", `/api/v1/webhooks/${mine}`, {
      token: scopedAdmin,
      body: { model_pattern: `${a}x` },
    });
    expect(narrowed.status).toBe(200);
  });

  it("an unscoped admin still sees and manages everything", async () => {
    const { b } = await setup();
    const res = await api("POST", "/api/v1/webhooks", {
      body: { url: hook, events: ["*"], model_pattern: `${b}*` },
    });
    expect(res.status).toBe(201);
    const minted = await api("POST", "/api/v1/tokens", { body: { name: "root2", role: "admin" } });
    expect(await json(minted)).toMatchObject({ scopes: null });
  });
});
