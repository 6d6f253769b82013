/** Console sessions: sign in, cookie flags, CSRF, cross-origin posts, sign out, revocation. */
import { describe, expect, it } from "vitest";
import { api, createToken, json } from "../support/api";
import { browser, ORIGIN, signedIn } from "./support";

describe("console sessions", () => {
  it("sends a browser without a session to /login, and the API and docs are unchanged", async () => {
    const b = browser();
    const res = await b.get("/");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login?next=%2F");
    expect((await b.get("/api/v1/models")).headers.get("content-type")).toContain("application/problem+json");
    expect((await b.get("/docs")).status).toBe(200);
    expect((await b.get("/healthz")).status).toBe(200);
  });

  it("signs in with a token: HttpOnly SameSite=Strict cookie, strict CSP, then the catalogue", async () => {
    const b = browser();
    const page = await b.get("/login");
    expect(page.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
    expect(page.headers.get("content-security-policy")).not.toMatch(/script-src[^;]*unsafe/);
    const res = await b.post("/login", { token: "test-admin-token", next: "/" });
    expect(res.status).toBe(303);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("registry_session="));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/); // http here; https adds Secure (next test)
    const home = await b.get("/");
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("<h1>Models</h1>");
  });

  it("marks the cookie Secure over https", async () => {
    const { exports } = await import("cloudflare:workers");
    const login = await exports.default.fetch("https://registry.test/login");
    const csrf = /name="csrf" value="([^"]+)"/.exec(await login.text())?.[1] ?? "";
    const loginCookie = login.headers.getSetCookie()[0]?.split(";")[0] ?? "";
    const res = await exports.default.fetch(
      new Request("https://registry.test/login", {
        method: "POST",
        redirect: "manual",
        headers: {
          origin: "https://registry.test",
          cookie: loginCookie,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ csrf, token: "test-admin-token" }),
      }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.getSetCookie().find((c) => c.startsWith("registry_session="))).toMatch(/; Secure/);
  });

  it("refuses a wrong token, a missing login CSRF token and a cross-origin sign-in", async () => {
    const b = browser();
    await b.get("/login");
    expect((await b.post("/login", { token: "nope" })).status).toBe(401);
    await b.get("/login");
    expect((await b.post("/login", { token: "test-admin-token", csrf: "forged" })).status).toBe(403);
    await b.get("/login");
    const cross = await b.post("/login", { token: "test-admin-token" }, { origin: "https://evil.example" });
    expect(cross.status).toBe(403);
    expect(b.cookies.has("registry_session")).toBe(false);
  });

  it("refuses signed-in form posts without the session's CSRF token or from another origin", async () => {
    const b = await signedIn();
    expect((await b.post("/logout", { csrf: "wrong" })).status).toBe(403);
    expect((await b.post("/logout", {}, { origin: "https://evil.example" })).status).toBe(403);
    expect((await b.get("/")).status).toBe(200); // still signed in
  });

  it("sign-out kills the session: the old cookie no longer works", async () => {
    const b = await signedIn();
    const stolen = b.cookies.get("registry_session") ?? "";
    expect((await b.post("/logout", {})).status).toBe(303);
    const replay = browser();
    replay.cookies.set("registry_session", stolen);
    expect((await replay.get("/")).status).toBe(303);
  });

  it("revoking the token ends its sessions on the next request", async () => {
    const token = await createToken("viewer");
    const b = await signedIn(token);
    expect((await b.get("/")).status).toBe(200);
    const id = (
      await json<{ items: { id: string; name: string }[] }>(await api("GET", "/api/v1/tokens"))
    ).items.at(0)?.id;
    expect(id).toBeDefined();
    expect((await api("DELETE", `/api/v1/tokens/${id}`)).ok).toBe(true);
    const after = await b.get("/");
    expect(after.status).toBe(303);
    expect(after.headers.get("location")).toContain("reason=revoked");
  });

  it("only redirects to local paths after sign-in", async () => {
    const b = browser();
    await b.get("/login");
    const res = await b.post("/login", { token: "test-admin-token", next: "//evil.example/x" });
    expect(res.headers.get("location")).toBe("/");
    expect(ORIGIN).toBe("http://registry.test");
  });
});
