import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, startTestRegistry, type TestRegistry } from "./support/server";

/** Search, lineage, dataset usage, cards and compatibility through the real server, across a restart. */
describe("discovery on the real server (npm start)", () => {
  let registry: TestRegistry;
  const digest = `sha256:${"ab".repeat(32)}`;
  beforeAll(async () => {
    registry = await startTestRegistry();
    const call = client(registry);
    for (const name of ["disc-base", "disc-fraud"])
      expect((await call("POST", "/api/v1/models", { name })).status).toBe(201);
    const register = async (name: string, body: Record<string, unknown>) =>
      expect((await call("POST", `/api/v1/models/${name}/versions`, body)).status).toBe(201);
    await register("disc-base", {
      metrics: { auc: 0.91 },
      datasets: [{ uri: "s3://lake/txn", version: "3.2", digest, role: "training" }],
      source: { run_id: "r-1", code_repo: "github.com/acme/fraud", code_commit: "abc123d" },
      signature: { inputs: [{ name: "amount", type: "double" }], outputs: [{ type: "double" }] },
    });
    await register("disc-fraud", {
      metrics: { auc: 0.974 },
      slices: { "segment=high_value": { auc: 0.951 } },
      datasets: [{ uri: "s3://lake/txn", version: "3.2", digest, role: "training" }],
      parent: { model: "disc-base", version: 1 },
      signature: {
        inputs: JSON.stringify([
          { name: "amount", type: "double" },
          { name: "country", type: "string" },
        ]),
        outputs: [{ type: "double" }],
      },
      model_card: { intended_use: "Card-not-present fraud <only>" },
    });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  async function checks(r: TestRegistry) {
    const call = client(r);
    const search = await call(
      "GET",
      `/api/v1/model-versions?filter=${encodeURIComponent("metrics.auc >= 0.95 AND name LIKE 'disc-%'")}`,
    );
    expect(((await search.json()) as { items: { name: string }[] }).items.map((v) => v.name)).toEqual([
      "disc-fraud",
    ]);
    const bad = await call(
      "GET",
      `/api/v1/model-versions?filter=${encodeURIComponent("metrics.auc >= 'x'")}`,
    );
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");

    const up = (await (
      await call("GET", "/api/v1/models/disc-fraud/versions/1/lineage?direction=upstream")
    ).json()) as {
      nodes: { id: string }[];
    };
    expect(up.nodes.map((n) => n.id).sort()).toEqual(
      [
        `dataset:${digest}`,
        "commit:github.com/acme/fraud@abc123d",
        "run:r-1",
        "version:disc-base/1",
        "version:disc-fraud/1",
      ].sort(),
    );
    const used = (await (
      await call("GET", `/api/v1/datasets/${encodeURIComponent("s3://lake/txn")}/models?version=3.2`)
    ).json()) as {
      items: { name: string }[];
    };
    expect(used.items.map((i) => i.name)).toEqual(["disc-base", "disc-fraud"]);

    const html = await call("GET", "/api/v1/models/disc-fraud/versions/1/card", undefined, {
      accept: "text/html",
    });
    const page = await html.text();
    expect(page).toContain("Card-not-present fraud &lt;only&gt;");
    expect(page).toContain("segment=high_value");
  }

  it("answers search, lineage, dataset usage and cards, and still does after a restart", async () => {
    await checks(registry);
    registry = await registry.restart();
    await checks(registry);
  });

  it("refuses a malformed signature and reports no break against a model with none before", async () => {
    const call = client(registry);
    const bad = await call("POST", "/api/v1/models/disc-fraud/versions", {
      signature: { inputs: [{ type: "tensor" }] },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe(
      "signature.inputs.0.tensor-spec",
    );
    const compat = (await (
      await call("GET", "/api/v1/models/disc-base/versions/1/compatibility")
    ).json()) as Record<string, unknown>;
    expect(compat).toMatchObject({ has_signature: true, previous: null, breaking: false });
  });
});
