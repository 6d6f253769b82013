import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createModel, json, uniqueName } from "../support/api";

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: { path: string; message: string }[];
}

async function expectProblem(res: Response, status: number, code: string): Promise<Problem> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  const body = await json<Problem>(res);
  expect(body).toMatchObject({ status, code });
  expect(body.type).toMatch(/^https:\/\//);
  expect(body.detail.length).toBeGreaterThan(0);
  return body;
}

const modelCount = async () =>
  (await env.DB.prepare("select count(*) as n from models").first<number>("n")) ?? 0;

describe("bad input gets a clear 4xx problem, never a 500 or a partial write", () => {
  it("unknown fields are refused with their path", async () => {
    const before = await modelCount();
    const body = await expectProblem(
      await api("POST", "/api/v1/models", { body: { name: uniqueName(), colour: "red" } }),
      400,
      "INVALID_ARGUMENT",
    );
    expect(body.errors?.map((e) => e.path)).toContain("colour");
    expect(await modelCount()).toBe(before);
  });

  it("wrong types name the offending fields", async () => {
    const name = uniqueName();
    await createModel(name);
    const body = await expectProblem(
      await api("POST", `/api/v1/models/${name}/versions`, {
        body: { metrics: { auc: "high" }, files: [{ path: "m.onnx", digest: "md5:x", size: -1 }] },
      }),
      400,
      "INVALID_ARGUMENT",
    );
    const paths = body.errors?.map((e) => e.path) ?? [];
    expect(paths).toEqual(expect.arrayContaining(["metrics.auc", "files.0.digest", "files.0.size"]));
  });

  it.each([["-leading-dash"], ["has space"], ["slash/inside"], ["x".repeat(129)], ["émoji-🚀"], [""]])(
    "model name %j is outside the pattern",
    async (name) => {
      await expectProblem(await api("POST", "/api/v1/models", { body: { name } }), 400, "INVALID_ARGUMENT");
    },
  );

  it("a 10 MB description is refused before it is parsed", async () => {
    const res = await api("POST", "/api/v1/models", {
      body: { name: uniqueName(), description: "x".repeat(10_000_000) },
    });
    await expectProblem(res, 413, "PAYLOAD_TOO_LARGE");
  });

  it("a description over the field limit names the field", async () => {
    const body = await expectProblem(
      await api("POST", "/api/v1/models", { body: { name: uniqueName(), description: "x".repeat(20_001) } }),
      400,
      "INVALID_ARGUMENT",
    );
    expect(body.errors?.[0]?.path).toBe("description");
  });

  it("10,000 tags are refused", async () => {
    const tags = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, "v"]));
    await expectProblem(
      await api("POST", "/api/v1/models", { body: { name: uniqueName(), tags } }),
      400,
      "INVALID_ARGUMENT",
    );
  });

  it("a version's metadata over 1 MiB is refused as a whole", async () => {
    const name = uniqueName();
    await createModel(name);
    const params = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`p${i}`, "x".repeat(5_000)]));
    await expectProblem(
      await api("POST", `/api/v1/models/${name}/versions`, { body: { params } }),
      413,
      "PAYLOAD_TOO_LARGE",
    );
    expect(
      (await json<{ latest_version: number | null }>(await api("GET", `/api/v1/models/${name}`)))
        .latest_version,
    ).toBe(null);
  });

  it("non-UTF-8 bodies are refused; emoji and other unicode are kept intact", async () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('{"name":"ok-name","description":"'),
      0xff,
      0xfe,
      ...new TextEncoder().encode('"}'),
    ]);
    await expectProblem(await api("POST", "/api/v1/models", { body: bytes }), 400, "INVALID_ENCODING");
    const name = uniqueName();
    const description = "Détecteur de fraude 🚀 — 欺诈检测 \u{1F9EA}";
    const created = await api("POST", "/api/v1/models", {
      body: { name, description, tags: { équipe: "ris🚀k" } },
    });
    expect(created.status).toBe(201);
    const got = await json<{ description: string; tags: Record<string, string> }>(
      await api("GET", `/api/v1/models/${name}`),
    );
    expect(got.description).toBe(description);
    expect(got.tags).toEqual({ équipe: "ris🚀k" });
  });

  it("malformed JSON and wrong media types are clear", async () => {
    await expectProblem(
      await api("POST", "/api/v1/models", { body: '{"name": "x",' }),
      400,
      "MALFORMED_JSON",
    );
    await expectProblem(
      await api("POST", "/api/v1/models", {
        body: "name=x",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    );
  });

  it.each(["garbage", "eyJvIjoibmFtZSBBU0MiLCJrIjoxfQ", "%00", "e30"])(
    "bogus page token %j is a 400",
    async (token) => {
      await expectProblem(
        await api("GET", `/api/v1/models?page_token=${encodeURIComponent(token)}`),
        400,
        "INVALID_PAGE_TOKEN",
      );
    },
  );

  it("bad query values and path parameters are 400, unknown things 404", async () => {
    await expectProblem(await api("GET", "/api/v1/models?page_size=0"), 400, "INVALID_ARGUMENT");
    await expectProblem(await api("GET", "/api/v1/models?page_size=5000"), 400, "INVALID_ARGUMENT");
    await expectProblem(await api("GET", "/api/v1/models?order_by=drop%20table"), 400, "INVALID_ARGUMENT");
    const name = uniqueName();
    await createModel(name);
    await expectProblem(await api("GET", `/api/v1/models/${name}/versions/abc`), 400, "INVALID_ARGUMENT");
    await expectProblem(await api("GET", `/api/v1/models/${name}/versions/99`), 404, "VERSION_NOT_FOUND");
    await expectProblem(await api("GET", "/api/v1/models/nope-does-not-exist"), 404, "MODEL_NOT_FOUND");
    await expectProblem(await api("GET", "/api/v1/nothing-here"), 404, "NOT_FOUND");
  });

  it("manifest paths that escape or confuse are refused", async () => {
    const name = uniqueName();
    await createModel(name);
    const digest = `sha256:${"a".repeat(64)}`;
    for (const path of [
      "../x",
      "/etc/passwd",
      "a//b",
      "a/./b",
      "nul\u0000byte",
      "back\\slash",
      "x".repeat(10_000),
      "dir/",
    ]) {
      const res = await api("POST", `/api/v1/models/${name}/versions`, {
        body: { files: [{ path, digest, size: 1 }] },
      });
      expect(res.status, path).toBe(400);
    }
    const dup = await api("POST", `/api/v1/models/${name}/versions`, {
      body: {
        files: [
          { path: "a", digest, size: 1 },
          { path: "a", digest, size: 1 },
        ],
      },
    });
    expect(dup.status).toBe(400);
  });

  it("reserved and malformed aliases, and aliases to missing versions, are refused", async () => {
    const name = uniqueName();
    await createModel(name);
    await api("POST", `/api/v1/models/${name}/versions`, { body: {} });
    await expectProblem(
      await api("PUT", `/api/v1/models/${name}/aliases/latest`, { body: { version: 1 } }),
      422,
      "RESERVED_ALIAS",
    );
    await expectProblem(
      await api("PUT", `/api/v1/models/${name}/aliases/9lives`, { body: { version: 1 } }),
      400,
      "INVALID_ARGUMENT",
    );
    await expectProblem(
      await api("PUT", `/api/v1/models/${name}/aliases/champion`, { body: { version: 7 } }),
      404,
      "VERSION_NOT_FOUND",
    );
  });

  it("an unreasonable Idempotency-Key is refused", async () => {
    await expectProblem(
      await api("POST", "/api/v1/models", {
        body: { name: uniqueName() },
        headers: { "idempotency-key": "x".repeat(300) },
      }),
      400,
      "INVALID_ARGUMENT",
    );
  });
});
