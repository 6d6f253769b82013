import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, startTestRegistry, type TestRegistry } from "./support/server";

describe("the real server (npm start) over HTTP", () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startTestRegistry();
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it("serves health, docs with local assets, and an OpenAPI 3.1 document", async () => {
    expect(await (await fetch(`${registry.url}/healthz`)).json()).toEqual({ status: "ok", d1: true });
    const docs = await (await fetch(`${registry.url}/docs`)).text();
    expect(docs).toContain("/docs/assets/swagger-ui-bundle.js");
    expect(docs).not.toMatch(/https?:\/\//);
    const asset = await fetch(`${registry.url}/docs/assets/swagger-ui-bundle.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    // The assets come through the Worker's ASSETS binding (no asset layer in front of the API): a
    // missing file or an escape attempt is our problem+json 404, never a file outside public/.
    for (const path of ["/docs/assets/nope.js", "/docs/assets/..%2F..%2Fpackage.json"]) {
      const missing = await fetch(`${registry.url}${path}`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get("content-type")).toContain("application/problem+json");
      await missing.arrayBuffer();
    }
    const doc = (await (await fetch(`${registry.url}/openapi.json`)).json()) as { openapi: string };
    expect(doc.openapi).toBe("3.1.0");
    const validator = new Validator();
    const verdict = await validator.validate(doc);
    expect(verdict.errors ?? []).toEqual([]);
    expect(verdict.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("registers, aliases and resolves with ETag/304, and keeps it across a restart", async () => {
    const call = client(registry);
    expect((await call("POST", "/api/v1/models", { name: "e2e-fraud" })).status).toBe(201);
    const v1 = await call("POST", "/api/v1/models/e2e-fraud/versions", { metrics: { auc: 0.97 } });
    expect(v1.status).toBe(201);
    expect((await call("PUT", "/api/v1/models/e2e-fraud/aliases/champion", { version: 1 })).status).toBe(200);
    const resolved = await call("GET", "/api/v1/models/e2e-fraud/aliases/champion");
    const etag = resolved.headers.get("etag") ?? "";
    expect(etag).not.toBe("");
    const again = await call("GET", "/api/v1/models/e2e-fraud/aliases/champion", undefined, {
      "if-none-match": etag,
    });
    expect(again.status).toBe(304);

    registry = await registry.restart();
    const after = await client(registry)("GET", "/api/v1/models/e2e-fraud/aliases/champion");
    expect(after.status).toBe(200);
    expect(((await after.json()) as { version: number }).version).toBe(1);
  });
});
