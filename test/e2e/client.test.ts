/**
 * Issue 17: the typed client (`edge-model-registry/client`) against the real server: typed calls,
 * a keyed POST replayed rather than doubled, refusals as RegistryProblem with the server's code,
 * ETag polling of resolve (304 until the alias moves), and raw blob bytes up and down.
 */
import { createHash, randomBytes } from "node:crypto";
import { createRegistryClient, type RegistryClient, RegistryProblem } from "edge-model-registry/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestRegistry, type TestRegistry } from "./support/server";

describe("typed client against the real server", () => {
  let registry: TestRegistry;
  let api: RegistryClient;

  beforeAll(async () => {
    registry = await startTestRegistry();
    api = createRegistryClient({ url: registry.url, token: registry.token });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it("a POST sent twice under one Idempotency-Key creates once and replays the answer", async () => {
    const send = () =>
      api.api.POST("/api/v1/models", {
        params: { header: { "idempotency-key": "create-typed-1" } },
        body: { name: "typed", description: "from the typed client" },
      });
    const first = await send();
    const second = await send();
    expect([first.response.status, second.response.status]).toEqual([201, 200]);
    expect(second.data).toEqual(first.data);
    const page = await api.get("/api/v1/models", { params: { query: { filter: "name = 'typed'" } } });
    expect(page.items.map((m) => m.name)).toEqual(["typed"]);
  });

  it("throws a refusal as RegistryProblem carrying the stable code and field errors", async () => {
    const duplicate = (await api
      .post("/api/v1/models", { body: { name: "typed" } })
      .catch((e: unknown) => e)) as RegistryProblem;
    expect(duplicate).toBeInstanceOf(RegistryProblem);
    expect([duplicate.status, duplicate.code]).toEqual([409, "MODEL_ALREADY_EXISTS"]);
    const invalid = (await api
      .post("/api/v1/models", { body: { name: "not a name!" } })
      .catch((e: unknown) => e)) as RegistryProblem;
    expect([invalid.status, invalid.code]).toEqual([400, "INVALID_ARGUMENT"]);
    expect(invalid.errors.some((e) => e.path.includes("name"))).toBe(true);
  });

  it("uploads and reads blob bytes raw, then polls resolve: 304 until the alias moves", async () => {
    const versions: number[] = [];
    for (const size of [1000, 2000]) {
      const bytes = new Uint8Array(randomBytes(size));
      const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
      await api.raw("PUT", `/api/v1/blobs/${digest}`, {
        body: bytes,
        headers: { "content-type": "application/octet-stream" },
      });
      const back = await api.raw("GET", `/api/v1/blobs/${digest}`);
      expect(Buffer.from(await back.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
      const v = await api.post("/api/v1/models/{name}/versions", {
        params: { path: { name: "typed" } },
        body: { files: [{ path: "model.bin", digest, size }] },
      });
      versions.push(v.version);
    }
    const alias = { path: { name: "typed", alias: "champion" } };
    await api.put("/api/v1/models/{name}/aliases/{alias}", { params: alias, body: { version: 1 } });
    const first = await api.pollResolve("typed", { alias: "champion" });
    expect(first.changed && first.resolution.version).toBe(1);
    expect(await api.pollResolve("typed", { alias: "champion" }, first.etag)).toEqual({
      changed: false,
      etag: first.etag,
    });
    await api.put("/api/v1/models/{name}/aliases/{alias}", { params: alias, body: { version: 2 } });
    const moved = await api.pollResolve("typed", { alias: "champion" }, first.etag);
    expect(moved.changed && moved.resolution.version).toBe(2);
    expect(moved.etag).not.toBe(first.etag);
    expect(versions).toEqual([1, 2]);
  });
});
