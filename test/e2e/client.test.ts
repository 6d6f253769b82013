/**
 * Issue 17: the typed client (`edge-model-registry/client`) against the real server: typed calls,
 * a keyed POST replayed rather than doubled, refusals as RegistryProblem with the server's code,
 * ETag polling of resolve (304 until the alias moves), and raw blob bytes up and down. And the CI
 * workflow example (docs/examples/github-actions.yml): every endpoint it calls is in the served
 * document, and its gate fails on a breaking signature and passes a compatible one.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createRegistryClient, type RegistryClient, RegistryProblem } from "edge-model-registry/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, removeTempDirs, tempDir } from "./support/cli-run";
import { startTestRegistry, type TestRegistry } from "./support/server";

const WORKFLOW = resolve(import.meta.dirname, "..", "..", "docs", "examples", "github-actions.yml");

describe("typed client against the real server", () => {
  let registry: TestRegistry;
  let api: RegistryClient;

  beforeAll(async () => {
    registry = await startTestRegistry();
    api = createRegistryClient({ url: registry.url, token: registry.token });
  });
  afterAll(async () => {
    await registry?.stop();
    removeTempDirs();
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

  it("the GitHub Actions example calls documented endpoints, and its gate catches a breaking signature", async () => {
    const yaml = readFileSync(WORKFLOW, "utf8");
    const document = (await (await fetch(`${registry.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    // Each curl line: its method (-X, else GET) and URL, with the shell variables as path templates.
    const calls = [...yaml.matchAll(/(?:-X (\w+) )?"\$REGISTRY_URL(\/api\/v1\/[^"]+)"/g)].map(
      ([, m, url]) => [
        (m ?? "get").toLowerCase(),
        (url as string).replace("$MODEL", "{name}").replace("$VERSION", "{version}"),
      ],
    );
    expect(calls).toEqual([
      ["get", "/api/v1/models/{name}/versions/{version}/compatibility"],
      ["post", "/api/v1/models/{name}/versions/{version}/transitions"],
      ["post", "/api/v1/models/{name}/versions/{version}/approval-requests"],
    ]);
    for (const [method, path] of calls)
      expect(document.paths[path as string]?.[method as string]).toBeDefined();
    expect(yaml).toContain("jq -e '.breaking'");

    // The gate, step by step, with the CLI's --signature: v2 adds a required input (breaking), v3 keeps v2's.
    const push = async (inputs: string[]) => {
      const dir = tempDir("ci-model-");
      writeFileSync(join(dir, "model.bin"), randomBytes(512));
      const signature = join(dir, "..", `${randomBytes(4).toString("hex")}-signature.json`);
      writeFileSync(
        signature,
        JSON.stringify({
          inputs: inputs.map((name) => ({ name, type: "double" })),
          outputs: [{ type: "double" }],
        }),
      );
      const run = await cli(registry.url, registry.token, tempDir("ci-state-"), [
        "--json",
        "push",
        "ci-gated",
        dir,
        "--signature",
        signature,
        "--metric",
        "auc=0.97",
      ]);
      expect(run.code, run.stderr).toBe(0);
      const { version } = JSON.parse(run.stdout) as { version: number };
      const compat = await api.get("/api/v1/models/{name}/versions/{version}/compatibility", {
        params: { path: { name: "ci-gated", version: String(version) } },
      });
      return { version, breaking: compat.breaking, has_signature: compat.has_signature };
    };
    expect(await push(["amount"])).toEqual({ version: 1, breaking: false, has_signature: true });
    expect(await push(["amount", "country"])).toEqual({ version: 2, breaking: true, has_signature: true });
    const ok = await push(["amount", "country"]);
    expect(ok).toEqual({ version: 3, breaking: false, has_signature: true });
    // What the workflow does after a passing gate.
    const path = { path: { name: "ci-gated", version: "3" } };
    const staged = await api.post("/api/v1/models/{name}/versions/{version}/transitions", {
      params: path,
      body: { to: "Staging", comment: "CI: merged to main" },
    });
    expect(staged.stage).toBe("Staging");
    const request = await api.post("/api/v1/models/{name}/versions/{version}/approval-requests", {
      params: path,
      body: { to: "Production", comment: "merged abc123" },
    });
    expect(request.status).toBe("pending");
  });
});
