/**
 * The alias read cache (issue 13, src/lib/alias-read-cache.ts): polled alias reads may be answered
 * from the isolate's memory, but a change made through this isolate is seen at once
 * (read-your-writes) and a change made elsewhere (here: straight in D1, as another isolate's write
 * would look) is seen within ALIAS_CACHE_TTL_MS.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ALIAS_CACHE_TTL_MS } from "../../src/lib/alias-read-cache";
import { api, createModel, json, uniqueName } from "../support/api";

async function modelWithVersions(count: number) {
  const name = uniqueName("cache");
  await createModel(name);
  for (let i = 0; i < count; i++) {
    expect((await api("POST", `/api/v1/models/${name}/versions`, { body: {} })).status).toBe(201);
  }
  return name;
}

const mlflowAlias = async (name: string) => {
  const res = await api("GET", `/api/2.0/mlflow/registered-models/alias?name=${name}&alias=champion`);
  return (await json<{ model_version: { version: string } }>(res)).model_version.version;
};
const nativeAlias = async (name: string) =>
  (await json<{ version: number }>(await api("GET", `/api/v1/models/${name}/aliases/champion`))).version;

describe("alias read cache", () => {
  it("a move through the API is read back at once, on both read paths, every time", async () => {
    const name = await modelWithVersions(3);
    for (const version of [1, 2, 3, 1, 3]) {
      const set = await api("POST", "/api/2.0/mlflow/registered-models/alias", {
        body: { name, alias: "champion", version: String(version) },
      });
      expect(set.status).toBe(200);
      expect(await mlflowAlias(name)).toBe(String(version));
      expect(await nativeAlias(name)).toBe(version);
    }
    expect((await api("DELETE", `/api/v1/models/${name}/aliases/champion`)).status).toBe(204);
    expect((await api("GET", `/api/v1/models/${name}/aliases/champion`)).status).toBe(404);
  });

  it("a change made behind the isolate's back is served stale for at most the TTL, then read", async () => {
    const name = await modelWithVersions(2);
    expect(
      (await api("PUT", `/api/v1/models/${name}/aliases/champion`, { body: { version: 1 } })).status,
    ).toBe(200);
    expect(await nativeAlias(name)).toBe(1); // cached from here on
    expect(await mlflowAlias(name)).toBe("1");
    await env.DB.prepare(
      "update aliases set version = 2 where alias = 'champion' and model_id = (select id from models where name = ?)",
    )
      .bind(name)
      .run();
    const started = Date.now();
    // Within the bound the cached answer may stand (it is what the cache is for) ...
    const early = await nativeAlias(name);
    if (Date.now() - started < ALIAS_CACHE_TTL_MS / 2) expect(early).toBe(1);
    // ... and after it the change is read.
    await new Promise((resolve) => setTimeout(resolve, ALIAS_CACHE_TTL_MS + 50));
    expect(await nativeAlias(name)).toBe(2);
    expect(await mlflowAlias(name)).toBe("2");
  });

  it("a missing alias is never cached: setting it is seen by the next read", async () => {
    const name = await modelWithVersions(1);
    expect((await api("GET", `/api/v1/models/${name}/aliases/champion`)).status).toBe(404);
    await env.DB.prepare(
      "insert into aliases (model_id, alias, version, updated_at, updated_by) select id, 'champion', 1, 0, 't' from models where name = ?",
    )
      .bind(name)
      .run();
    expect(await nativeAlias(name)).toBe(1);
  });
});
