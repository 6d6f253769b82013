/**
 * `PUT /api/v1/admin/imports/models/{name}/versions/{version}`: a version imported under its
 * original number. Numbers stay unique and are never reused; repeating an import is harmless; the
 * audit chain records it and still verifies.
 */
import { describe, expect, it } from "vitest";
import { api, createModel, createToken, json, uniqueName } from "../support/api";
import { bytesOf, putBlob } from "../support/blobs";

const WEIGHTS = bytesOf(2048, 17);
const weights = await putBlob(WEIGHTS);

const CREATED_AT = Date.parse("2025-03-04T05:06:07Z");

function body(over: Record<string, unknown> = {}, imported: Record<string, unknown> = {}) {
  return {
    description: "from MLflow",
    tags: { team: "risk" },
    params: { C: "1.0" },
    metrics: { auc: 0.91 },
    source: { run_id: "run-1", experiment_id: "0", uri: "mlflow-artifacts:/0/run-1/artifacts/model" },
    files: [{ path: "model.pkl", digest: weights.digest, size: WEIGHTS.byteLength }],
    imported: {
      from: "http://mlflow.example:5000",
      stage: "Staging",
      status: "READY",
      created_by: "asha",
      created_at: CREATED_AT,
      updated_at: CREATED_AT + 1000,
      ...imported,
    },
    ...over,
  };
}

const put = (name: string, version: number, b: unknown, token?: string) =>
  api("PUT", `/api/v1/admin/imports/models/${name}/versions/${version}`, { body: b, token });

interface Version {
  version: number;
  stage: string;
  status: string;
  created_by: string;
  created_at: string;
  description: string;
  tags: Record<string, string>;
  metrics: Record<string, number>;
  source: Record<string, string>;
}

describe("importing a version under its original number", () => {
  it("keeps the number, stage, status, creator and creation time, and audits the import", async () => {
    const name = uniqueName("imp");
    await createModel(name);
    const res = await put(name, 3, body());
    expect(res.status).toBe(201);
    const v = await json<Version>(res);
    expect(v).toMatchObject({
      version: 3,
      stage: "Staging",
      status: "READY",
      created_by: "asha",
      description: "from MLflow",
      tags: { team: "risk" },
      metrics: { auc: 0.91 },
      source: { run_id: "run-1", uri: "mlflow-artifacts:/0/run-1/artifacts/model" },
    });
    expect(Date.parse(v.created_at)).toBe(CREATED_AT);
    const audit = await json<{ items: { action: string; after: Record<string, unknown> }[] }>(
      await api("GET", `/api/v1/audit?model=${name}`),
    );
    const entry = audit.items.find((e) => e.action === "model_version.imported");
    expect(entry?.after).toMatchObject({
      version: 3,
      imported_from: "http://mlflow.example:5000",
      numbers_skipped: { from: 1, to: 2 },
    });
    const verify = await json<{ ok: boolean }>(await api("GET", `/api/v1/models/${name}/audit/verify`));
    expect(verify.ok).toBe(true);
  });

  it("never reuses a number: skipped numbers count as taken and the next registration follows", async () => {
    const name = uniqueName("imp");
    await createModel(name);
    expect((await put(name, 4, body())).status).toBe(201);
    const lower = await put(name, 2, body());
    expect(lower.status).toBe(409);
    expect((await json(lower)).code).toBe("VERSION_NUMBER_TAKEN");
    const next = await api("POST", `/api/v1/models/${name}/versions`, { body: { description: "native" } });
    expect((await json<Version>(next)).version).toBe(5);
    const versions = await json<{ items: Version[] }>(await api("GET", `/api/v1/models/${name}/versions`));
    expect(versions.items.map((x) => x.version)).toEqual([5, 4]);
  });

  it("answers the version already there when the same import runs again, and refuses a different one", async () => {
    const name = uniqueName("imp");
    await createModel(name);
    expect((await put(name, 1, body())).status).toBe(201);
    const again = await put(name, 1, body());
    expect(again.status).toBe(200);
    expect((await json<Version>(again)).version).toBe(1);
    const different = await put(name, 1, body({ source: { run_id: "run-2" } }));
    expect(different.status).toBe(409);
    expect((await json(different)).code).toBe("VERSION_EXISTS");
    const versions = await json<{ items: Version[] }>(await api("GET", `/api/v1/models/${name}/versions`));
    expect(versions.items).toHaveLength(1);
  });

  it("keeps at most one version in Production", async () => {
    const name = uniqueName("imp");
    await createModel(name);
    expect((await put(name, 1, body({}, { stage: "Production" }))).status).toBe(201);
    const second = await put(name, 2, body({}, { stage: "Production" }));
    expect(second.status).toBe(409);
    expect((await json(second)).code).toBe("ILLEGAL_TRANSITION");
  });

  it("is for admins only, and refuses manifests naming blobs the store does not hold", async () => {
    const name = uniqueName("imp");
    await createModel(name);
    const contributor = await createToken("contributor");
    expect((await put(name, 1, body(), contributor)).status).toBe(403);
    const missing = body({ files: [{ path: "x", digest: `sha256:${"ab".repeat(32)}`, size: 1 }] });
    const res = await put(name, 1, missing);
    expect(res.status).toBe(409);
    expect((await json(res)).code).toBe("BLOB_MISSING");
    const bad = await put(name, 1, body({}, { stage: "Live" }));
    expect(bad.status).toBe(400);
    const versions = await json<{ items: Version[] }>(await api("GET", `/api/v1/models/${name}/versions`));
    expect(versions.items).toHaveLength(0);
  });
});
