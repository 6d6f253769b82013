import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { api } from "../support/api";

interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>>;
  components: { schemas: Record<string, unknown> };
}

const toOpenApiPath = (honoPath: string) => honoPath.replace(/:([A-Za-z_]+)(\{[^}]*\})?/g, "{$1}");
const METHODS = ["get", "post", "put", "patch", "delete"];

describe("the OpenAPI 3.1 document", async () => {
  const doc = await (await api("GET", "/openapi.json", { token: null })).json<OpenApiDoc>();

  it("is OpenAPI 3.1 with named schemas", () => {
    expect(doc.openapi).toBe("3.1.0");
    for (const name of ["RegisteredModel", "ModelVersion", "CreateVersion", "Problem", "Token"]) {
      expect(doc.components.schemas, name).toHaveProperty(name);
    }
  });

  it("lists every /api/v1 route the app serves, with its error responses", () => {
    const served = createApp()
      .routes.filter((r) => r.path.startsWith("/api/v1/") && METHODS.includes(r.method.toLowerCase()))
      .map((r) => `${r.method.toLowerCase()} ${toOpenApiPath(r.path)}`);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => METHODS.includes(m))
        .map((m) => `${m} ${path}`),
    );
    expect(served.length).toBeGreaterThan(15);
    for (const route of new Set(served)) expect(documented, route).toContain(route);
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!path.startsWith("/api/v1/")) continue;
      for (const [method, op] of Object.entries(ops)) {
        expect(Object.keys(op.responses), `${method} ${path}`).toEqual(
          expect.arrayContaining(["401", "403"]),
        );
      }
    }
  });

  it("every documented /api/v1 operation refuses a request without a token", async () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!path.startsWith("/api/v1/")) continue;
      for (const method of Object.keys(ops).filter((m) => METHODS.includes(m))) {
        const concrete = path.replace(/\{[^}]+\}/g, "x1");
        const res = await api(method.toUpperCase(), concrete, { token: null });
        expect(res.status, `${method} ${path}`).toBe(401);
      }
    }
  });
});
