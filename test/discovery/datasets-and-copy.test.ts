/**
 * Issue #19: the dataset catalogue (register, list, detail with the versions that used it, event,
 * lineage) and copying a version to another model (files byte-identical, lineage, roles, scopes).
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { expectStatus } from "../governance/support";
import { registerVersion, storeBlob } from "../retention/support";
import { api, createModel, createToken, json, uniqueName } from "../support/api";

let contributor: string;
let viewer: string;
beforeAll(async () => {
  contributor = await createToken("contributor");
  viewer = await createToken("viewer");
});

describe("dataset catalogue", () => {
  it("registers, refuses a duplicate, lists, and shows the versions that used it", async () => {
    const uri = `s3://lake/${uniqueName("ds")}`;
    const digest = `sha256:${"e".repeat(64)}`;
    const body = {
      uri,
      version: "2026-01",
      digest,
      description: "card txns",
      owner: "data-eng",
      tags: { pii: "no" },
    };
    const created = await expectStatus(
      await api("POST", "/api/v1/datasets", { body, token: contributor }),
      201,
    );
    expect(created).toMatchObject({
      uri,
      version: "2026-01",
      digest,
      owner: "data-eng",
      tags: { pii: "no" },
    });
    expect(String(created.id)).toMatch(/^dst_/);
    await expectStatus(
      await api("POST", "/api/v1/datasets", { body, token: contributor }),
      409,
      "DATASET_ALREADY_EXISTS",
    );
    await expectStatus(await api("POST", "/api/v1/datasets", { body, token: viewer }), 403);
    await expectStatus(await api("POST", "/api/v1/datasets", { body: { ...body, extra: 1 } }), 400);

    const listed = await json<{ items: { id: string }[] }>(
      await api("GET", `/api/v1/datasets?uri=${encodeURIComponent(uri)}`, { token: viewer }),
    );
    expect(listed.items.map((d) => d.id)).toEqual([created.id]);

    const name = uniqueName("dsm");
    await createModel(name);
    await expectStatus(
      await api("POST", `/api/v1/models/${name}/versions`, {
        body: { datasets: [{ uri, version: "2026-01", digest, role: "training" }] },
      }),
      201,
    );
    const detail = await expectStatus(
      await api("GET", `/api/v1/datasets/${created.id}`, { token: viewer }),
      200,
    );
    expect(detail.used_by).toEqual([
      expect.objectContaining({ name, version: 1, stage: "None", role: "training" }),
    ]);
    // The usage endpoint takes the catalogue id too.
    const usage = await json<{ items: { name: string }[] }>(
      await api("GET", `/api/v1/datasets/${created.id}/models`, { token: viewer }),
    );
    expect(usage.items.map((u) => u.name)).toEqual([name]);
    // A scoped token does not see versions of models outside its scope.
    const scoped = await createToken("viewer", ["nothing-*"]);
    const hidden = await expectStatus(
      await api("GET", `/api/v1/datasets/${created.id}`, { token: scoped }),
      200,
    );
    expect(hidden.used_by).toEqual([]);

    await expectStatus(await api("GET", "/api/v1/datasets/dst_nope"), 404, "DATASET_NOT_FOUND");
    const event = await env.DB.prepare(
      "select envelope from outbox_events where type = 'dataset.registered' and model_name = ?",
    )
      .bind(`dataset:${created.id}`)
      .first<{ envelope: string }>();
    expect(JSON.parse(event?.envelope ?? "{}").data.after).toMatchObject({ id: created.id, uri });
    const audit = await env.DB.prepare("select action from audit_log where target = ?")
      .bind(`dataset:${created.id}`)
      .first<{ action: string }>();
    expect(audit?.action).toBe("dataset.registered");
  });

  it("lineage nodes of a catalogued dataset point at its catalogue entry", async () => {
    const uri = `s3://lake/${uniqueName("lin")}`;
    const created = await expectStatus(
      await api("POST", "/api/v1/datasets", { body: { uri, version: "v1" } }),
      201,
    );
    const name = uniqueName("lin");
    await createModel(name);
    await api("POST", `/api/v1/models/${name}/versions`, {
      body: {
        datasets: [
          { uri, version: "v1" },
          { uri: "s3://elsewhere", version: "x" },
        ],
      },
    });
    const lineage = await json<{ nodes: { type: string; uri?: string; dataset_id?: string | null }[] }>(
      await api("GET", `/api/v1/models/${name}/versions/1/lineage`),
    );
    const datasets = lineage.nodes.filter((n) => n.type === "dataset");
    expect(datasets.find((n) => n.uri === uri)?.dataset_id).toBe(created.id);
    expect(datasets.find((n) => n.uri === "s3://elsewhere")?.dataset_id).toBeNull();
  });
});

describe("copy a version to another model", () => {
  it("copies record and manifest (no blob copy), files download byte-identical, lineage shows the source", async () => {
    const dev = uniqueName("dev");
    const prod = uniqueName("prod");
    await createModel(dev);
    await createModel(prod);
    const blob = await storeBlob(2048);
    await registerVersion(dev, [blob], { metrics: { auc: 0.93 }, params: { depth: "8" } });
    const objectsBefore = (await env.BLOBS.list({ prefix: "blobs/" })).objects.length;
    const copy = await expectStatus(
      await api("POST", `/api/v1/models/${prod}/versions`, {
        body: { copy_from: { model: dev, version: 1 }, description: "promoted from dev" },
        token: contributor,
      }),
      201,
    );
    expect(copy).toMatchObject({
      name: prod,
      version: 1,
      description: "promoted from dev",
      metrics: { auc: 0.93 },
      params: { depth: "8" },
      parent: { model: dev, version: 1 },
    });
    const source = await json(await api("GET", `/api/v1/models/${dev}/versions/1`));
    expect(copy.manifest_digest).toBe(source.manifest_digest);
    expect((await env.BLOBS.list({ prefix: "blobs/" })).objects.length).toBe(objectsBefore);
    const a = await (await api("GET", `/api/v1/models/${dev}/versions/1/files/f0.bin`)).arrayBuffer();
    const b = await (await api("GET", `/api/v1/models/${prod}/versions/1/files/f0.bin`)).arrayBuffer();
    expect(new Uint8Array(b)).toEqual(new Uint8Array(a));
    const lineage = await json<{ edges: { from: string; to: string; relation: string }[] }>(
      await api("GET", `/api/v1/models/${prod}/versions/1/lineage`),
    );
    expect(lineage.edges).toContainEqual({
      from: `version:${prod}/1`,
      to: `version:${dev}/1`,
      relation: "derived_from",
    });
    const event = await env.DB.prepare(
      "select type, envelope from outbox_events where model_name = ? and sequence > 1",
    )
      .bind(prod)
      .first<{ type: string; envelope: string }>();
    expect(event?.type).toBe("model_version.copied");
    expect(JSON.parse(event?.envelope ?? "{}").data.after.copied_from).toEqual({ model: dev, version: 1 });
  });

  it("needs read on the source (out of scope looks like not found) and contributor on the target", async () => {
    const dev = uniqueName("dev");
    const prod = uniqueName("prod");
    await createModel(dev);
    await createModel(prod);
    await registerVersion(dev, []);
    const copyBody = { copy_from: { model: dev, version: 1 } };
    const scoped = await createToken("contributor", [`${prod}`]);
    const hidden = await api("POST", `/api/v1/models/${prod}/versions`, { body: copyBody, token: scoped });
    const body = await expectStatus(hidden, 404, "MODEL_NOT_FOUND");
    expect(body.detail).toContain(dev);
    await expectStatus(
      await api("POST", `/api/v1/models/${prod}/versions`, { body: copyBody, token: viewer }),
      403,
    );
    await expectStatus(
      await api("POST", `/api/v1/models/${prod}/versions`, {
        body: { copy_from: { model: dev, version: 9 } },
      }),
      404,
      "VERSION_NOT_FOUND",
    );
    const mixed = await api("POST", `/api/v1/models/${prod}/versions`, {
      body: { ...copyBody, metrics: { auc: 1 } },
    });
    const refused = await expectStatus(mixed, 400, "INVALID_ARGUMENT");
    expect(JSON.stringify(refused.errors)).toContain("metrics");
    const count = await env.DB.prepare(
      "select count(*) as n from model_versions where model_id = (select id from models where name = ?)",
    )
      .bind(prod)
      .first<{ n: number }>();
    expect(count?.n).toBe(0);
  });

  it("the target's registration gates judge the copy", async () => {
    const dev = uniqueName("dev");
    const prod = uniqueName("prod");
    await createModel(dev);
    await createModel(prod);
    await registerVersion(dev, [], { metrics: { auc: 0.6 } });
    await api("PUT", `/api/v1/models/${prod}/policy`, {
      body: { registration_gates: { gates: [{ metric: "auc", op: ">=", value: 0.9 }], on_fail: "refuse" } },
    });
    const res = await api("POST", `/api/v1/models/${prod}/versions`, {
      body: { copy_from: { model: dev, version: 1 } },
    });
    await expectStatus(res, 422, "GATE_FAILED");
  });
});
