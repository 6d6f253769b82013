/**
 * The console's admin pages (/admin/tokens, /admin/webhooks): admins only, the secret shown once,
 * revocation that really revokes (the API and the token's console sessions), scoped admins limited
 * to their scopes exactly as the API's token routes are, and redelivery that really sends again.
 */
import { describe, expect, it } from "vitest";
import { hookUrl, received, subscribe, until } from "../events/support";
import { api, createModel, createToken, json, uniqueName } from "../support/api";
import { signedIn } from "./support";

const secretOf = (html: string) => /<code id="token-secret">([^<]+)<\/code>/.exec(html)?.[1];

describe("console admin pages: who may use them", () => {
  it("refuses every non-admin role on every /admin page and post, and hides the nav links", async () => {
    for (const role of ["viewer", "contributor", "approver"]) {
      const b = await signedIn(await createToken(role));
      const home = await (await b.get("/")).text();
      expect(home).not.toContain('href="/admin/tokens"');
      expect(home).not.toContain('href="/admin/webhooks"');
      for (const path of ["/admin/tokens", "/admin/webhooks"]) {
        const res = await b.get(path);
        expect(res.status, `${role} GET ${path}`).toBe(403);
        expect(await res.text()).toContain("PERMISSION_DENIED");
      }
      const posts: [string, Record<string, string>][] = [
        ["/admin/tokens", { name: "sneaky", role: "admin" }],
        ["/admin/tokens/tok_x/revoke", { confirm: "yes" }],
        ["/admin/deliveries/dlv_x/redeliver", { confirm: "yes" }],
      ];
      for (const [path, fields] of posts) {
        expect((await b.post(path, fields)).status, `${role} POST ${path}`).toBe(403);
      }
    }
    const tokens = await json<{ items: { name: string }[] }>(await api("GET", "/api/v1/tokens"));
    expect(tokens.items.map((t) => t.name)).not.toContain("sneaky");
    const admin = await signedIn();
    const home = await (await admin.get("/")).text();
    expect(home).toContain('href="/admin/tokens"');
    expect(home).toContain('href="/admin/webhooks"');
  });

  it("refuses a form post without the CSRF token or from another origin", async () => {
    const b = await signedIn();
    await b.get("/admin/tokens");
    expect((await b.post("/admin/tokens", { name: "x", role: "viewer", csrf: "forged" })).status).toBe(403);
    const cross = await b.post(
      "/admin/tokens",
      { name: "x", role: "viewer" },
      { origin: "https://evil.example" },
    );
    expect(cross.status).toBe(403);
  });
});

describe("console /admin/tokens", () => {
  it("creates a token, shows its secret once (no-store), and the secret works on the API", async () => {
    const b = await signedIn();
    await b.get("/admin/tokens");
    const name = uniqueName("ci");
    const res = await b.post("/admin/tokens", {
      name,
      role: "viewer",
      scopes: "fraud-*, risk-*",
      expires_in_days: "30",
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("location")).toBeNull();
    const html = await res.text();
    const secret = secretOf(html);
    expect(secret).toMatch(/^mrt_/);
    // Not in a cookie either: the only Set-Cookie a page may send is none at all here.
    expect(res.headers.getSetCookie().join(";")).not.toContain(secret ?? "");

    const me = await api("GET", "/api/v1/models", { token: secret ?? "" });
    expect(me.status).toBe(200);
    const listed = await json<{
      items: { name: string; role: string; scopes: string[]; expires_at: string }[];
    }>(await api("GET", "/api/v1/tokens"));
    const row = listed.items.find((t) => t.name === name);
    expect(row).toMatchObject({ role: "viewer", scopes: ["fraud-*", "risk-*"] });
    expect(row?.expires_at).not.toBeNull();

    const list = await (await b.get("/admin/tokens")).text();
    expect(list).toContain(name);
    expect(list).not.toContain(secret);
    expect(list).not.toContain('id="token-secret"');
  });

  it("shows a bad form as the API's error, and creates nothing", async () => {
    const b = await signedIn();
    await b.get("/admin/tokens");
    const name = uniqueName("bad");
    const res = await b.post("/admin/tokens", { name, role: "viewer", scopes: "no/slashes" });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("INVALID_ARGUMENT");
    expect(html).not.toContain('id="token-secret"');
    const tokens = await json<{ items: { name: string }[] }>(await api("GET", "/api/v1/tokens"));
    expect(tokens.items.map((t) => t.name)).not.toContain(name);
  });

  it("revokes after confirmation: the API answers 401 and the token's console session ends", async () => {
    const admin = await signedIn();
    await admin.get("/admin/tokens");
    const name = uniqueName("doomed");
    const secret =
      secretOf(await (await admin.post("/admin/tokens", { name, role: "contributor" })).text()) ?? "";
    expect((await api("GET", "/api/v1/models", { token: secret })).status).toBe(200);
    const victim = await signedIn(secret);
    expect((await victim.get("/")).status).toBe(200);

    const id = (
      await json<{ items: { id: string; name: string }[] }>(await api("GET", "/api/v1/tokens"))
    ).items.find((t) => t.name === name)?.id;
    expect(id).toBeDefined();
    await admin.get("/admin/tokens");
    // Without the confirmation box nothing happens.
    expect((await admin.post(`/admin/tokens/${id}/revoke`, {})).status).toBe(400);
    expect((await api("GET", "/api/v1/models", { token: secret })).status).toBe(200);

    const res = await admin.post(`/admin/tokens/${id}/revoke`, { confirm: "yes" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/tokens?done=revoked");
    expect((await api("GET", "/api/v1/models", { token: secret })).status).toBe(401);
    const after = await victim.get("/");
    expect(after.status).toBe(303);
    expect(after.headers.get("location")).toContain("reason=revoked");
    expect(await (await admin.get("/admin/tokens?done=revoked")).text()).toMatch(/revoked/);
  });

  it("a scoped admin sees and revokes only tokens within its scopes, and cannot widen", async () => {
    const suffix = uniqueName("sc");
    const inside = await json<{ id: string; name: string }>(
      await api("POST", "/api/v1/tokens", {
        body: { name: `in-${suffix}`, role: "viewer", scopes: [`team-a-${suffix}-x`] },
      }),
    );
    const outside = await json<{ id: string; name: string }>(
      await api("POST", "/api/v1/tokens", {
        body: { name: `out-${suffix}`, role: "viewer", scopes: [`team-b-${suffix}-*`] },
      }),
    );
    const b = await signedIn(await createToken("admin", [`team-a-${suffix}-*`]));
    const page = await (await b.get("/admin/tokens")).text();
    expect(page).toContain(inside.name);
    expect(page).not.toContain(outside.name);
    expect((await b.post(`/admin/tokens/${outside.id}/revoke`, { confirm: "yes" })).status).toBe(404);
    const still = await json<{ items: { id: string; revoked_at: string | null }[] }>(
      await api("GET", "/api/v1/tokens"),
    );
    expect(still.items.find((t) => t.id === outside.id)?.revoked_at).toBeNull();

    await b.get("/admin/tokens");
    const wide = await b.post("/admin/tokens", { name: `wide-${suffix}`, role: "viewer", scopes: "*" });
    expect(wide.status).toBe(403);
    expect(await wide.text()).toContain("SCOPE_WIDENING");
    await b.get("/admin/tokens");
    const narrow = await b.post("/admin/tokens", { name: `narrow-${suffix}`, role: "viewer" });
    expect(narrow.status).toBe(200);
    const created = (
      await json<{ items: { name: string; scopes: string[] }[] }>(await api("GET", "/api/v1/tokens"))
    ).items.find((t) => t.name === `narrow-${suffix}`);
    expect(created?.scopes).toEqual([`team-a-${suffix}-*`]);
  });
});

describe("console /admin/webhooks", () => {
  it("lists subscriptions with their deliveries, and redeliver sends the event again", async () => {
    const model = uniqueName("hooked");
    const key = uniqueName("console-hook");
    const sub = await subscribe({ url: hookUrl(key), model_pattern: model, description: "console test" });
    await createModel(model);
    await until(
      () => received(key),
      (r) => r.length === 1,
    );
    const b = await signedIn();
    let page = await b.get("/admin/webhooks");
    expect(page.status).toBe(200);
    let html = await page.text();
    expect(html).toContain(hookUrl(key));
    const deliveryId = /\/admin\/deliveries\/([^/]+)\/redeliver/.exec(
      html.slice(html.indexOf(`id="hook-${sub.id}"`)),
    )?.[1];
    expect(deliveryId).toBeDefined();
    expect(html).toContain("model.created");

    // The confirmation is required.
    expect((await b.post(`/admin/deliveries/${deliveryId}/redeliver`, {})).status).toBe(400);
    const res = await b.post(`/admin/deliveries/${deliveryId}/redeliver`, { confirm: "yes" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/webhooks?done=redelivered");
    const got = await until(
      () => received(key),
      (r) => r.length === 2,
    );
    // The same event (same webhook-id), a new attempt.
    expect(got[1]?.headers["webhook-id"]).toBe(got[0]?.headers["webhook-id"]);
    page = await b.get("/admin/webhooks?done=redelivered");
    html = await page.text();
    expect(html).toContain("Queued again");

    expect((await b.post("/admin/deliveries/dlv_nope/redeliver", { confirm: "yes" })).status).toBe(404);
  });

  it("a scoped admin sees only subscriptions within its scopes", async () => {
    const suffix = uniqueName("wh");
    await subscribe({ url: hookUrl(`in-${suffix}`), model_pattern: `team-a-${suffix}-x` });
    await subscribe({ url: hookUrl(`out-${suffix}`), model_pattern: `team-b-${suffix}-*` });
    const b = await signedIn(await createToken("admin", [`team-a-${suffix}-*`]));
    const html = await (await b.get("/admin/webhooks")).text();
    expect(html).toContain(`in-${suffix}`);
    expect(html).not.toContain(`out-${suffix}`);
  });
});
