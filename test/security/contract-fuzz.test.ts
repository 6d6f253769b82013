/**
 * Fuzz from the contract: every operation of `/openapi.json` (the /api/v1 API and MLflow's) with
 * generated path segments, query strings and bodies — wrong types, boundary sizes, unicode, deep
 * nesting, hostile strings — under every role and a scoped admin. Properties: never a 5xx; every
 * error is problem+json (MLflow's `{"error_code","message"}` on /api/2.0); a refused request writes
 * nothing (row counts of the written tables before and after). Seeded and bounded for CI;
 * `npm run fuzz` runs it longer (FUZZ_RUNS).
 */
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ADMIN, api, createModel, createToken, json, uniqueName } from "../support/api";

const RUNS = Number(env.FUZZ_RUNS || 120);
const SEED = Number(env.FUZZ_SEED || 15);

type Operation = { method: string; path: string };

const nested = (depth: number, leaf: unknown = 1): unknown => {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { k: value };
  return value;
};

const hostile = fc.constantFrom(
  "1",
  "0x10",
  "1e1",
  "-1",
  "99999999999999999999",
  "..",
  "%2e%2e%2f",
  "a/../../etc/passwd",
  "' OR 1=1 --",
  "\u0000",
  "\u202e\u0430dmin",
  "💥".repeat(40),
  "a".repeat(300),
  "*",
  `sha256:${"f".repeat(64)}`,
  "upl_x",
  "null",
);
const segment = fc.oneof(
  hostile,
  fc.string({ maxLength: 40, unit: "grapheme" }),
  fc.string({ maxLength: 20, unit: "binary" }),
);
const scalar = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.dictionary(
    fc.constantFrom(
      "name",
      "version",
      "description",
      "tags",
      "files",
      "model_card",
      "url",
      "events",
      "role",
      "scopes",
      "to",
      "value",
      "digest",
      "size",
      "filter",
      "stage",
      "new_name",
      "alias",
      "key",
    ),
    fc.oneof(scalar, hostile, fc.jsonValue({ maxDepth: 3 })),
  ),
  fc.integer({ min: 20, max: 3000 }).map((d) => ({ model_card: nested(d), name: nested(d) })),
  fc.constantFrom("not json", "{", "[]", '""', '{"a":1,"a":2}'),
);
const query = fc.dictionary(
  fc.constantFrom(
    "page_size",
    "page_token",
    "filter",
    "order_by",
    "name",
    "version",
    "depth",
    "direction",
    "stage",
    "max_results",
    "alias",
    "since",
    "status",
    "dry_run",
  ),
  fc.oneof(hostile, fc.string({ maxLength: 60 }), fc.integer().map(String)),
  { maxKeys: 4 },
);

async function operations(): Promise<Operation[]> {
  const doc = await json<{ paths: Record<string, Record<string, unknown>> }>(
    await api("GET", "/openapi.json"),
  );
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path })),
  );
}

const counts = async () => {
  const row = await env.DB.prepare(
    `select (select count(*) from audit_log) as a, (select count(*) from models) as m,
            (select count(*) from model_versions) as v, (select count(*) from tokens) as t,
            (select count(*) from webhook_subscriptions) as w, (select count(*) from uploads) as u,
            (select count(*) from principals) as p`,
  ).first();
  return JSON.stringify(row);
};

describe("fuzzing every operation of the OpenAPI document", () => {
  it("no 5xx, errors in the documented shape, nothing written by a refused request", async () => {
    const model = uniqueName("fuzz");
    await createModel(model);
    await api("POST", `/api/v1/models/${model}/versions`, { body: {} });
    const tokens: Record<string, string | null> = { anonymous: null, admin: ADMIN };
    for (const role of ["viewer", "contributor", "approver", "serving"])
      tokens[role] = await createToken(role);
    tokens.scopedAdmin = await createToken("admin", ["fz-*"]);
    const ops = (await operations()).filter(
      (op) => !["/healthz", "/openapi.json", "/docs"].includes(op.path),
    );
    const fill = (path: string, segs: string[]) => {
      let i = 0;
      return path.replace(/\{(\w+)\}/g, (_, p: string) => {
        const s = segs[i++] ?? "x";
        return p === "name" && s === "1" ? model : encodeURIComponent(s);
      });
    };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ops),
        fc.constantFrom(...Object.keys(tokens)),
        fc.array(segment, { minLength: 3, maxLength: 3 }),
        query,
        fc.option(body, { nil: undefined }),
        fc.constantFrom("application/json", "text/plain", "application/json; charset=utf-16"),
        async (op, who, segs, q, payload, contentType) => {
          const url = `${fill(op.path, segs)}${Object.keys(q).length ? `?${new URLSearchParams(q)}` : ""}`;
          const before = await counts();
          const raw =
            typeof payload === "string"
              ? payload
              : payload === undefined
                ? undefined
                : JSON.stringify(payload);
          const res = await api(op.method, url, {
            token: tokens[who],
            body: op.method === "GET" || op.method === "HEAD" ? undefined : raw,
            headers: { "content-type": contentType },
          });
          const text = await res.text();
          const label = `${who} ${op.method} ${url.slice(0, 200)} → ${res.status} ${text.slice(0, 300)}`;
          expect(res.status, label).toBeLessThan(500);
          if (res.status >= 400) {
            if (url.startsWith("/api/2.0/")) expect(JSON.parse(text), label).toHaveProperty("error_code");
            else {
              expect(res.headers.get("content-type"), label).toContain("application/problem+json");
              expect(JSON.parse(text), label).toHaveProperty("code");
            }
            expect(await counts(), label).toBe(before);
          }
        },
      ),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  });
});
