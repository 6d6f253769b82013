/**
 * The hot path for polled alias reads (issue 13, src/routes/hot-reads.ts): a cached read is answered
 * before the router. It must answer exactly what the full path answers, take the full path for
 * anything the full path would refuse or read differently, and never outlive a change made through
 * this isolate. Resolve's cache (src/lib/alias-read-cache.ts) is bounded by ALIAS_CACHE_TTL_MS and
 * bypassed by a D1 bookmark. Tests and the Worker share one isolate, so `hotRead` sees the caches
 * the requests filled.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ALIAS_CACHE_TTL_MS } from "../../src/lib/alias-read-cache";
import { hotRead } from "../../src/routes/hot-reads";
import { modelWithVersions, moveAlias } from "../serving/support";
import { ADMIN, api, createToken, json, uniqueName } from "../support/api";

const BASE = "http://registry.test";
const request = (path: string, token: string | null = ADMIN, headers: Record<string, string> = {}) =>
  new Request(`${BASE}${path}`, {
    headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...headers },
  });
const paths = (name: string) => ({
  native: `/api/v1/models/${name}/aliases/champion`,
  mlflow: `/api/2.0/mlflow/registered-models/alias?name=${name}&alias=champion`,
  resolve: `/api/v1/models/${name}/resolve?alias=champion`,
});

/** Status, body and every header but the request id (which differs per request by design). */
async function shape(res: Response) {
  const headers = [...res.headers.entries()].filter(([k]) => k !== "x-request-id");
  return { status: res.status, body: await res.text(), headers: headers.sort() };
}

describe("hot alias reads", () => {
  it("answer exactly what the full path answers (200 and 304), with a request id", async () => {
    const name = uniqueName("hot");
    await modelWithVersions(name, 2, 1);
    for (const path of Object.values(paths(name))) {
      expect(hotRead(request(path)), path).toBeUndefined(); // nothing cached yet
      const full = await api("GET", path);
      expect(full.status, path).toBe(200);
      const hot = hotRead(request(path));
      expect(hot, path).toBeDefined();
      expect(hot?.headers.get("x-request-id")).toMatch(/^req_[\w-]{16}$/);
      expect(await shape(hot as Response)).toEqual(await shape(full));
      const etag = full.headers.get("etag");
      if (etag) {
        const notModified = await api("GET", path, { headers: { "if-none-match": etag } });
        const hot304 = hotRead(request(path, ADMIN, { "if-none-match": etag }));
        expect(notModified.status).toBe(304);
        expect(await shape(hot304 as Response)).toEqual(await shape(notModified));
      }
      expect(hotRead(request(path, ADMIN, { "x-request-id": "poll-7" }))?.headers.get("x-request-id")).toBe(
        "poll-7",
      );
    }
  });

  it("leave to the full path what it would refuse or read differently", async () => {
    const name = uniqueName("hot");
    await modelWithVersions(name, 1, 1);
    const scoped = await createToken("viewer", ["other-*"]);
    for (const path of Object.values(paths(name))) expect((await api("GET", path)).status).toBe(200);
    const { native, mlflow, resolve } = paths(name);
    // Unknown and unscoped-for-this-model tokens: the full path answers 401 / 404.
    expect(hotRead(request(native, "no-such-token"))).toBeUndefined();
    expect(hotRead(request(native, null))).toBeUndefined();
    expect((await api("GET", native, { token: scoped })).status).toBe(404);
    expect(hotRead(request(native, scoped))).toBeUndefined();
    expect(hotRead(request(mlflow, scoped))).toBeUndefined();
    expect(hotRead(request(resolve, scoped))).toBeUndefined();
    // Shapes the router reads differently: encoding, extra or repeated parameters, other methods.
    expect(hotRead(request(`/api/v1/models/${name}/aliases/%63hampion`))).toBeUndefined();
    expect(hotRead(request(`${native}/`))).toBeUndefined();
    expect(hotRead(request(`${native}?x=1`))).toBeUndefined();
    expect(hotRead(request(`${resolve}&node_id=n1`))).toBeUndefined();
    expect(hotRead(request(`${resolve}&alias=champion`))).toBeUndefined();
    expect(hotRead(request(`${mlflow}&extra=1`))).toBeUndefined();
    expect(
      hotRead(new Request(`${BASE}${native}`, { method: "HEAD", headers: request(native).headers })),
    ).toBeUndefined();
    // A bookmark asks to read at least that far: resolve reads D1.
    expect(hotRead(request(resolve, ADMIN, { "x-d1-bookmark": "first-primary" }))).toBeUndefined();
    // The same requests as plain as the cache saw them are answered.
    for (const path of [native, mlflow, resolve]) expect(hotRead(request(path))).toBeDefined();
  });

  it("a token revoked through this isolate is refused at once, not answered from the caches", async () => {
    const name = uniqueName("hot");
    await modelWithVersions(name, 1, 1);
    const created = await json<{ id: string; token: string }>(
      await api("POST", "/api/v1/tokens", { body: { name: "hot-probe", role: "viewer" } }),
    );
    const { native } = paths(name);
    expect((await api("GET", native, { token: created.token })).status).toBe(200);
    expect(hotRead(request(native, created.token))).toBeDefined();
    expect((await api("DELETE", `/api/v1/tokens/${created.id}`)).status).toBe(200);
    expect(hotRead(request(native, created.token))).toBeUndefined();
    expect((await api("GET", native, { token: created.token })).status).toBe(401);
  });

  it("a move through this isolate is seen at once on every hot path", async () => {
    const name = uniqueName("hot");
    await modelWithVersions(name, 3, 1);
    for (const version of [2, 3, 1]) {
      for (const path of Object.values(paths(name))) expect((await api("GET", path)).status).toBe(200);
      await moveAlias(name, "champion", version);
      for (const path of Object.values(paths(name))) expect(hotRead(request(path)), path).toBeUndefined();
      const { native, mlflow, resolve } = paths(name);
      expect((await json<{ version: number }>(await api("GET", native))).version).toBe(version);
      expect((await json<{ version: number }>(await api("GET", resolve))).version).toBe(version);
      const viaMlflow = await json<{ model_version: { version: string } }>(await api("GET", mlflow));
      expect(viaMlflow.model_version.version).toBe(String(version));
    }
  });
});

describe("resolve cache", () => {
  const resolved = async (name: string, headers: Record<string, string> = {}) =>
    (await json<{ version: number }>(await api("GET", paths(name).resolve, { headers }))).version;
  const behindTheBack = (name: string, version: number) =>
    env.DB.prepare(
      "update aliases set version = ? where alias = 'champion' and model_id = (select id from models where name = ?)",
    )
      .bind(version, name)
      .run();

  it("a change made behind the isolate's back is served for at most the TTL, then read", async () => {
    const name = uniqueName("hot");
    await modelWithVersions(name, 2, 1);
    expect(await resolved(name)).toBe(1); // cached from here on
    await behindTheBack(name, 2);
    const started = Date.now();
    const early = await resolved(name);
    if (Date.now() - started < ALIAS_CACHE_TTL_MS / 2) expect(early).toBe(1);
    await new Promise((r) => setTimeout(r, ALIAS_CACHE_TTL_MS + 50));
    expect(await resolved(name)).toBe(2);
  });

  it("a client that sends a D1 bookmark reads D1, never the cache", async () => {
    const name = uniqueName("hot");
    await modelWithVersions(name, 2, 1);
    expect(await resolved(name)).toBe(1);
    await behindTheBack(name, 2);
    expect(await resolved(name, { "x-d1-bookmark": "first-primary" })).toBe(2);
  });

  it("a missing model or alias is never cached", async () => {
    const name = uniqueName("hot");
    const other = `/api/v1/models/${name}/resolve?alias=other`;
    expect((await api("GET", other)).status).toBe(404);
    await modelWithVersions(name, 1, 1);
    expect((await api("GET", other)).status).toBe(404);
    expect(hotRead(request(other))).toBeUndefined();
    await env.DB.prepare(
      "insert into aliases (model_id, alias, version, updated_at, updated_by) select id, 'other', 1, 0, 't' from models where name = ?",
    )
      .bind(name)
      .run();
    expect((await api("GET", other)).status).toBe(200);
  });
});
