import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createModel, uniqueName } from "../support/api";
import { bytesOf, putBlob } from "../support/blobs";

describe("MLflow artifact endpoints after a retention purge", () => {
  it("answer RESOURCE_DOES_NOT_EXIST naming the purge, for listing and download", async () => {
    const name = uniqueName("purged");
    await createModel(name);
    const bytes = bytesOf(64, 9);
    const { digest } = await putBlob(bytes);
    const files = [{ path: "model.bin", digest, size: bytes.byteLength }];
    expect((await api("POST", `/api/v1/models/${name}/versions`, { body: { files } })).status).toBe(201);
    const root = `models/${name}/versions/1`;
    expect((await api("GET", `/api/2.0/mlflow-artifacts/artifacts/${root}/model.bin`)).status).toBe(200);
    // What the retention ledger writes on purge (tested in test/retention); here only its effect.
    await env.DB.prepare(
      "update model_versions set status = 'ARTIFACTS_PURGED' where model_id = (select id from models where name = ?)",
    )
      .bind(name)
      .run();
    for (const path of [
      `/api/2.0/mlflow-artifacts/artifacts/${root}/model.bin`,
      `/api/2.0/mlflow-artifacts/artifacts?path=${root}`,
    ]) {
      const res = await api("GET", path);
      expect(res.status, path).toBe(404);
      const body = await res.json<{ error_code: string; message: string }>();
      expect(body.error_code).toBe("RESOURCE_DOES_NOT_EXIST");
      expect(body.message).toMatch(/purged/);
    }
  });
});
