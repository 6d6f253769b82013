import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createModel, digest, json, uniqueName } from "../support/api";
import { bytesOf, putBlob } from "../support/blobs";

// Manifests may only name blobs the store holds (409 BLOB_MISSING otherwise): upload two real ones.
const WEIGHTS = bytesOf(4096, 1);
const MLMODEL = bytesOf(822, 2);
const [weights, mlmodel] = await Promise.all([putBlob(WEIGHTS), putBlob(MLMODEL)]);

const FULL_RECORD = {
  description: "XGBoost trained on Jan 2026 transactions",
  tags: { validation_status: "passed" },
  params: { learning_rate: "0.001", max_depth: "8" },
  metrics: { auc: 0.974, precision: 0.921 },
  slices: { "segment=high_value": { auc: 0.951 } },
  datasets: [{ uri: "s3://data/txn", version: "2026-01", digest: digest(7), role: "training" }],
  source: {
    run_id: "r-42",
    experiment_id: "e-7",
    code_repo: "github.com/acme/fraud",
    code_commit: "abc123d",
    trained_by: "asha@acme",
    uri: "runs:/r-42/model",
  },
  signature: { inputs: [{ name: "amount", type: "double" }], outputs: [{ type: "double" }] },
  model_card: { intended_use: "Card-not-present fraud", limitations: "Not for ACH" },
  files: [
    {
      path: "weights/model.onnx",
      digest: weights.digest,
      size: WEIGHTS.byteLength,
      media_type: "application/octet-stream",
    },
    { path: "MLmodel", digest: mlmodel.digest, size: 822 },
  ],
};

interface Version {
  name: string;
  version: number;
  stage: string;
  status: string;
  aliases: string[];
  files: { path: string }[];
  manifest_digest: string;
  total_size: number;
  parent: { model: string; version: number } | null;
  updated_at: string;
  [key: string]: unknown;
}

describe("model versions", () => {
  it("stores and returns the full metadata record", async () => {
    const name = uniqueName("rec");
    await createModel(name);
    const res = await api("POST", `/api/v1/models/${name}/versions`, { body: FULL_RECORD });
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBe(`/api/v1/models/${name}/versions/1`);
    const created = await json<Version>(res);
    const fetched = await json<Version>(await api("GET", `/api/v1/models/${name}/versions/1`));
    expect(fetched).toEqual(created);
    expect(fetched).toMatchObject({
      ...FULL_RECORD,
      files: [
        { path: "MLmodel", digest: mlmodel.digest, size: 822, media_type: "application/octet-stream" },
        FULL_RECORD.files[0],
      ],
      name,
      version: 1,
      stage: "None",
      status: "READY",
      aliases: [],
      total_size: 4096 + 822,
      created_by: "admin",
      needs_review: false,
      parent: null,
    });
    expect(fetched.manifest_digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("the manifest digest depends only on the files, not their order", async () => {
    const name = uniqueName("digest");
    await createModel(name);
    const a = await json<Version>(
      await api("POST", `/api/v1/models/${name}/versions`, { body: { files: FULL_RECORD.files } }),
    );
    const b = await json<Version>(
      await api("POST", `/api/v1/models/${name}/versions`, {
        body: { files: [...FULL_RECORD.files].reverse() },
      }),
    );
    const c = await json<Version>(
      await api("POST", `/api/v1/models/${name}/versions`, { body: { files: [FULL_RECORD.files[0]] } }),
    );
    expect(a.manifest_digest).toBe(b.manifest_digest);
    expect(c.manifest_digest).not.toBe(a.manifest_digest);
  });

  it("the manifest never changes after registration (no route can edit it)", async () => {
    const name = uniqueName("immut");
    await createModel(name);
    const v = await json<Version>(
      await api("POST", `/api/v1/models/${name}/versions`, { body: { files: FULL_RECORD.files } }),
    );
    const patch = await api("PATCH", `/api/v1/models/${name}/versions/1`, { body: { files: [] } });
    expect(patch.status).toBe(400);
    const after = await json<Version>(await api("GET", `/api/v1/models/${name}/versions/1`));
    expect(after.manifest_digest).toBe(v.manifest_digest);
    expect(after.files).toEqual(v.files);
  });

  it("parents must exist; lists are newest first and paginate", async () => {
    const base = uniqueName("base");
    const child = uniqueName("child");
    await createModel(base);
    await createModel(child);
    await api("POST", `/api/v1/models/${base}/versions`, { body: {} });
    const bad = await api("POST", `/api/v1/models/${child}/versions`, {
      body: { parent: { model: base, version: 9 } },
    });
    expect(bad.status).toBe(400);
    const ok = await json<Version>(
      await api("POST", `/api/v1/models/${child}/versions`, {
        body: { parent: { model: base, version: 1 } },
      }),
    );
    expect(ok.parent).toEqual({ model: base, version: 1 });
    for (let i = 0; i < 4; i++) await api("POST", `/api/v1/models/${child}/versions`, { body: {} });
    const page1 = await json<{ items: Version[]; next_page_token: string }>(
      await api("GET", `/api/v1/models/${child}/versions?page_size=3`),
    );
    expect(page1.items.map((v) => v.version)).toEqual([5, 4, 3]);
    const page2 = await json<{ items: Version[]; next_page_token: string | null }>(
      await api("GET", `/api/v1/models/${child}/versions?page_size=3&page_token=${page1.next_page_token}`),
    );
    expect(page2.items.map((v) => v.version)).toEqual([2, 1]);
    expect(page2.next_page_token).toBeNull();
  });

  it("version tags and description updates", async () => {
    const name = uniqueName("vtags");
    await createModel(name);
    await api("POST", `/api/v1/models/${name}/versions`, { body: { tags: { a: "1" } } });
    await api("PUT", `/api/v1/models/${name}/versions/1/tags/b`, { body: { value: "2" } });
    await api("DELETE", `/api/v1/models/${name}/versions/1/tags/a`);
    const v = await json<Version>(
      await api("PATCH", `/api/v1/models/${name}/versions/1`, { body: { description: "new" } }),
    );
    expect(v.tags).toEqual({ b: "2" });
    expect(v.description).toBe("new");
  });
});

describe("aliases", () => {
  async function modelWithVersions(n: number) {
    const name = uniqueName("alias");
    await createModel(name);
    for (let i = 0; i < n; i++) await api("POST", `/api/v1/models/${name}/versions`, { body: {} });
    return name;
  }

  it("set, move, resolve, delete; the model and version show them", async () => {
    const name = await modelWithVersions(3);
    await api("PUT", `/api/v1/models/${name}/aliases/champion`, { body: { version: 2 } });
    await api("PUT", `/api/v1/models/${name}/aliases/challenger`, { body: { version: 3 } });
    expect(
      (await json<{ aliases: Record<string, number> }>(await api("GET", `/api/v1/models/${name}`))).aliases,
    ).toEqual({
      champion: 2,
      challenger: 3,
    });
    expect((await json<Version>(await api("GET", `/api/v1/models/${name}/versions/3`))).aliases).toEqual([
      "challenger",
    ]);
    await api("PUT", `/api/v1/models/${name}/aliases/champion`, { body: { version: 3 } });
    const resolved = await json<Version>(await api("GET", `/api/v1/models/${name}/aliases/champion`));
    expect(resolved.version).toBe(3);
    expect(resolved.aliases).toEqual(["challenger", "champion"]);
    expect((await api("DELETE", `/api/v1/models/${name}/aliases/champion`)).status).toBe(204);
    const gone = await api("GET", `/api/v1/models/${name}/aliases/champion`);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ code: "ALIAS_NOT_FOUND" });
  });

  it("latest is the highest version; production is computed from the stage", async () => {
    const name = await modelWithVersions(3);
    expect((await json<Version>(await api("GET", `/api/v1/models/${name}/aliases/latest`))).version).toBe(3);
    expect((await api("GET", `/api/v1/models/${name}/aliases/production`)).status).toBe(404);
    await env.DB.prepare(
      "update model_versions set stage = 'Production' where version = 2 and model_id = (select id from models where name = ?)",
    )
      .bind(name)
      .run();
    expect((await json<Version>(await api("GET", `/api/v1/models/${name}/aliases/production`))).version).toBe(
      2,
    );
  });

  it("pollers get 304 until the alias moves or its version changes", async () => {
    const name = await modelWithVersions(2);
    await api("PUT", `/api/v1/models/${name}/aliases/champion`, { body: { version: 1 } });
    const first = await api("GET", `/api/v1/models/${name}/aliases/champion`);
    const etag = first.headers.get("etag") ?? "";
    expect(etag).toMatch(/^".+"$/);
    const cached = await api("GET", `/api/v1/models/${name}/aliases/champion`, {
      headers: { "if-none-match": etag },
    });
    expect(cached.status).toBe(304);
    expect(await cached.text()).toBe("");
    await api("PUT", `/api/v1/models/${name}/versions/1/tags/note`, { body: { value: "x" } });
    const changed = await api("GET", `/api/v1/models/${name}/aliases/champion`, {
      headers: { "if-none-match": etag },
    });
    expect(changed.status).toBe(200);
    const etag2 = changed.headers.get("etag") ?? "";
    await api("PUT", `/api/v1/models/${name}/aliases/champion`, { body: { version: 2 } });
    const moved = await api("GET", `/api/v1/models/${name}/aliases/champion`, {
      headers: { "if-none-match": etag2 },
    });
    expect(moved.status).toBe(200);
    expect((await json<Version>(moved)).version).toBe(2);
  });

  it("If-Match makes a move compare-and-set: 412 when someone moved it first", async () => {
    const name = await modelWithVersions(3);
    await api("PUT", `/api/v1/models/${name}/aliases/champion`, { body: { version: 1 } });
    const etag = (await api("GET", `/api/v1/models/${name}/aliases/champion`)).headers.get("etag") ?? "";
    const [a, b] = await Promise.all([
      api("PUT", `/api/v1/models/${name}/aliases/champion`, {
        body: { version: 2 },
        headers: { "if-match": etag },
      }),
      api("PUT", `/api/v1/models/${name}/aliases/champion`, {
        body: { version: 3 },
        headers: { "if-match": etag },
      }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 412]);
    const loser = a.status === 412 ? a : b;
    expect(await loser.json()).toMatchObject({ code: "PRECONDITION_FAILED" });
    const unset = await api("PUT", `/api/v1/models/${name}/aliases/newbie`, {
      body: { version: 1 },
      headers: { "if-match": etag },
    });
    expect(unset.status).toBe(412);
  });
});

describe("model view", () => {
  it("reports latest and production versions and aliases of this model only", async () => {
    const name = uniqueName("view");
    const other = uniqueName("view-other");
    await createModel(name);
    await createModel(other);
    for (let i = 0; i < 3; i++) await api("POST", `/api/v1/models/${name}/versions`, { body: {} });
    await api("POST", `/api/v1/models/${other}/versions`, { body: {} });
    await api("PUT", `/api/v1/models/${other}/aliases/champion`, { body: { version: 1 } });
    await env.DB.prepare(
      "update model_versions set stage = 'Production' where version = 2 and model_id = (select id from models where name = ?)",
    )
      .bind(name)
      .run();
    const model = await json<{ latest_version: number; production_version: number; aliases: object }>(
      await api("GET", `/api/v1/models/${name}`),
    );
    expect(model).toMatchObject({ latest_version: 3, production_version: 2, aliases: {} });
  });
});
