import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
// The package's own export, resolved through package.json "exports" the way a consumer imports it.
import { createRegistryClient, RegistryProblem, type Schemas } from "edge-model-registry/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The typed client's transport against a scripted HTTP server (the server's answers are the
 * subject here; the real registry is driven in test/e2e/client.test.ts): retries and their limits,
 * one Idempotency-Key per logical call, problem+json errors, ETag polling.
 */
interface Seen {
  method: string;
  url: string;
  key: string | undefined;
  auth: string | undefined;
  body: string;
}
const seen: Seen[] = [];
let script: ((req: IncomingMessage, res: ServerResponse, n: number) => void) | undefined;
let url = "";
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (d) => {
    body += d;
  });
  req.on("end", () => {
    seen.push({
      method: req.method ?? "",
      url: req.url ?? "",
      key: req.headers["idempotency-key"] as string | undefined,
      auth: req.headers.authorization,
      body,
    });
    script?.(req, res, seen.length);
  });
});
const problem = (
  res: ServerResponse,
  status: number,
  code: string,
  detail: string,
  errors: unknown[] = [],
) => {
  res.writeHead(status, { "content-type": "application/problem+json" });
  res.end(JSON.stringify({ type: "about:blank", title: code, status, detail, code, errors }));
};
const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const fresh = () => {
  seen.length = 0;
  return createRegistryClient({ url, token: "t0k", retries: 3 });
};

describe("typed client transport", () => {
  it("retries a keyed POST with the same Idempotency-Key on every attempt", async () => {
    const client = fresh();
    script = (_req, res, n) =>
      n < 3 ? problem(res, 503, "UNAVAILABLE", "busy") : json(res, 201, { name: "m", tags: {} });
    const model = await client.post("/api/v1/models", { body: { name: "m" } });
    expect(model?.name).toBe("m");
    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((s) => s.key)).size).toBe(1);
    expect(seen[0]?.key).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen.every((s) => s.auth === "Bearer t0k" && s.body === '{"name":"m"}')).toBe(true);
    // A second logical call gets a key of its own.
    script = (_req, res) => json(res, 201, { name: "m2", tags: {} });
    await client.post("/api/v1/models", { body: { name: "m2" } });
    expect(seen[3]?.key).not.toBe(seen[0]?.key);
  });

  it("never repeats a POST whose route ignores Idempotency-Key", async () => {
    const client = fresh();
    script = (_req, res) => problem(res, 503, "UNAVAILABLE", "busy");
    const error = await client
      .post("/api/v1/tokens", { body: { name: "ci", role: "viewer" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryProblem);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.key).toBeUndefined();
  });

  it("retries GETs up to the limit and then throws the last problem", async () => {
    const client = fresh();
    script = (_req, res) => problem(res, 500, "INTERNAL", "boom");
    const error = (await client
      .get("/api/v1/models/{name}", { params: { path: { name: "m" } }, retries: 1 })
      .catch((e: unknown) => e)) as RegistryProblem;
    expect(seen).toHaveLength(2);
    expect(error.status).toBe(500);
    expect(error.code).toBe("INTERNAL");
  });

  it("throws problem+json refusals as RegistryProblem with code, detail and field errors", async () => {
    const client = fresh();
    script = (_req, res) =>
      problem(res, 422, "VALIDATION_FAILED", "bad name", [{ path: "name", message: "pattern" }]);
    const error = (await client
      .post("/api/v1/models", { body: { name: "" } })
      .catch((e: unknown) => e)) as RegistryProblem;
    expect(error).toBeInstanceOf(RegistryProblem);
    expect([error.status, error.code, error.detail]).toEqual([422, "VALIDATION_FAILED", "bad name"]);
    expect(error.errors).toEqual([{ path: "name", message: "pattern" }]);
    expect(error.message).toBe("POST /models: bad name"); // paths read as the API documents them
    expect(seen).toHaveLength(1); // 4xx is an answer, not a fault: no retry
  });

  it("reports a refused connection as a NETWORK problem after its retries", async () => {
    const dead = createRegistryClient({ url: "http://127.0.0.1:9", retries: 1 });
    const error = (await dead
      .get("/api/v1/models/{name}", { params: { path: { name: "m" } } })
      .catch((e: unknown) => e)) as RegistryProblem;
    expect([error.status, error.code]).toEqual([0, "NETWORK"]);
  });

  it("polls resolve with If-None-Match: 304 is `unchanged`, 200 brings the new ETag", async () => {
    const client = fresh();
    const resolution = { name: "m", version: 2 } as unknown as Schemas["Resolution"];
    script = (req, res) => {
      if (req.headers["if-none-match"] === '"v2"') {
        res.writeHead(304, { etag: '"v2"' });
        res.end();
      } else json(res, 200, resolution, { etag: '"v2"' });
    };
    const first = await client.pollResolve("m", { alias: "champion" });
    expect(first).toEqual({ changed: true, etag: '"v2"', resolution });
    const second = await client.pollResolve("m", { alias: "champion" }, first.etag);
    expect(second).toEqual({ changed: false, etag: '"v2"' });
    expect(seen[0]?.url).toBe("/api/v1/models/m/resolve?alias=champion");
  });

  it("raw requests carry auth, retry safe methods and throw problems", async () => {
    const client = fresh();
    script = (_req, res, n) => (n === 1 ? problem(res, 502, "BAD_GATEWAY", "x") : json(res, 200, {}));
    const bytes = new TextEncoder().encode("weights");
    const response = await client.raw("PUT", "/api/v1/blobs/sha256:ab", { body: bytes });
    expect(response.status).toBe(200);
    expect(seen.map((s) => s.body)).toEqual(["weights", "weights"]);
    script = (_req, res) => problem(res, 404, "BLOB_NOT_FOUND", "no such blob");
    const error = (await client
      .raw("GET", "/api/v1/blobs/sha256:ab")
      .catch((e: unknown) => e)) as RegistryProblem;
    expect([error.status, error.code, error.message]).toEqual([
      404,
      "BLOB_NOT_FOUND",
      "GET /blobs/sha256:ab: no such blob",
    ]);
  });
});
