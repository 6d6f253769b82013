/**
 * Issue #19: MLflow's copy_model_version through our facade. MLflow 2.12.2's client
 * (AbstractStore.copy_model_version) creates the target model (RESOURCE_ALREADY_EXISTS tolerated)
 * and then calls model-versions/create with source "models:/<src>/<version>", the source's run id,
 * run link, tags and description: exactly the calls replayed here.
 */
import { describe, expect, it } from "vitest";
import { registerVersion, storeBlob } from "../retention/support";
import { api, createModel, json, uniqueName } from "../support/api";
import { mlflow } from "./support";

describe("MLflow copy_model_version", () => {
  it("copies the version's record and files; lineage names the source", async () => {
    const src = uniqueName("src");
    const dst = uniqueName("dst");
    await createModel(src);
    const blob = await storeBlob(1500);
    await registerVersion(src, [blob], { metrics: { auc: 0.9 }, source: { run_id: "r-1" } });
    expect((await mlflow("POST", "registered-models/create", { name: dst })).status).toBe(200);
    const copy = await mlflow("POST", "model-versions/create", {
      name: dst,
      source: `models:/${src}/1`,
      run_id: "r-1",
      tags: [{ key: "team", value: "risk" }],
      description: "copied",
    });
    expect(copy.status, JSON.stringify(copy.body)).toBe(200);
    expect(copy.body.model_version).toMatchObject({
      name: dst,
      version: "1",
      run_id: "r-1",
      description: "copied",
    });
    const native = await json(await api("GET", `/api/v1/models/${dst}/versions/1`));
    expect(native).toMatchObject({
      metrics: { auc: 0.9 },
      parent: { model: src, version: 1 },
      tags: { team: "risk" },
    });
    const a = await (await api("GET", `/api/v1/models/${src}/versions/1/files/f0.bin`)).arrayBuffer();
    const b = await (await api("GET", `/api/v1/models/${dst}/versions/1/files/f0.bin`)).arrayBuffer();
    expect(new Uint8Array(b)).toEqual(new Uint8Array(a));
  });

  it("an unknown source is RESOURCE_DOES_NOT_EXIST and registers nothing", async () => {
    const dst = uniqueName("dst");
    await mlflow("POST", "registered-models/create", { name: dst });
    const res = await mlflow("POST", "model-versions/create", {
      name: dst,
      source: "models:/no-such-model/1",
    });
    expect(res.status).toBe(404);
    expect(res.body.error_code).toBe("RESOURCE_DOES_NOT_EXIST");
    const list = await json<{ items: unknown[] }>(await api("GET", `/api/v1/models/${dst}/versions`));
    expect(list.items).toEqual([]);
  });
});
