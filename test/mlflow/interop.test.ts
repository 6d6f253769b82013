/**
 * One registry, two APIs: what MLflow writes the native API reads (and the reverse), the MLflow
 * artifact endpoints serve a natively pushed version's files byte for byte, and tokens, roles,
 * scopes and the stage machine apply to MLflow callers too.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createModel, createToken, json, uniqueName } from "../support/api";
import { putBlob } from "../support/blobs";
import { mlflow } from "./support";

// biome-ignore lint/suspicious/noExplicitAny: JSON answers; the tests check them field by field
type Version = Record<string, any>;

describe("MLflow and the native API agree", () => {
  it("a registration through MLflow reads the same natively", async () => {
    const name = uniqueName("mlf");
    await mlflow("POST", "registered-models/create", {
      name,
      description: "from mlflow",
      tags: [{ key: "team", value: "risk" }],
    });
    const created = (
      await mlflow("POST", "model-versions/create", {
        name,
        source: "s3://bucket/run/model",
        run_id: "run-42",
        run_link: "http://tracking/#/runs/run-42",
        description: "v1",
        tags: [{ key: "k", value: "v" }],
      })
    ).body.model_version;
    await mlflow("POST", "registered-models/alias", { name, alias: "champion", version: "1" });

    const model = await json(await api("GET", `/api/v1/models/${name}`));
    expect(model).toMatchObject({
      name,
      description: "from mlflow",
      tags: { team: "risk" },
      aliases: { champion: 1 },
      latest_version: 1,
    });
    const version = await json<Version>(await api("GET", `/api/v1/models/${name}/versions/1`));
    expect(version).toMatchObject({
      version: 1,
      description: "v1",
      stage: "None",
      status: "READY",
      tags: { k: "v" },
      aliases: ["champion"],
      source: { uri: "s3://bucket/run/model", run_id: "run-42", run_link: "http://tracking/#/runs/run-42" },
      files: [],
    });
    expect(Date.parse(version.created_at)).toBe(created.creation_timestamp);
    expect(Date.parse(version.updated_at)).toBe(created.last_updated_timestamp);
  });

  it("a native registration reads the same through MLflow", async () => {
    const name = uniqueName("nat");
    await api("POST", "/api/v1/models", { body: { name, description: "native", tags: { a: "1" } } });
    const native = await json<Version>(
      await api("POST", `/api/v1/models/${name}/versions`, {
        body: { description: "n1", tags: { t: "x" }, source: { uri: "gs://b/m", run_id: "r-7" } },
      }),
    );
    const rm = (await mlflow("GET", "registered-models/get", { name })).body.registered_model;
    expect(rm).toMatchObject({ name, description: "native", tags: [{ key: "a", value: "1" }] });
    expect(rm.creation_timestamp).toBeTypeOf("number");
    const mv = (await mlflow("GET", "model-versions/get", { name, version: "1" })).body.model_version;
    expect(mv).toEqual({
      name,
      version: "1",
      creation_timestamp: Date.parse(native.created_at),
      last_updated_timestamp: Date.parse(native.updated_at),
      current_stage: "None",
      description: "n1",
      source: "gs://b/m",
      run_id: "r-7",
      status: "READY",
      tags: [{ key: "t", value: "x" }],
      run_link: "",
    });
  });

  it("MLflow writes are audited on the model's hash chain", async () => {
    const name = uniqueName("aud");
    await mlflow("POST", "registered-models/create", { name });
    await mlflow("POST", "model-versions/create", { name, source: "s3://x" });
    await mlflow("POST", "registered-models/rename", { name, new_name: `${name}-b` });
    await mlflow("DELETE", "model-versions/delete", { name: `${name}-b`, version: "1" });
    const verify = await api("GET", `/api/v1/models/${name}-b/audit/verify`);
    expect(verify.status).toBe(200);
    expect(await json(verify)).toMatchObject({ ok: true });
    const audit = await json<{ items: { action: string }[] }>(
      await api("GET", `/api/v1/audit?model=${name}-b`),
    );
    expect(audit.items.map((e) => e.action)).toEqual(
      expect.arrayContaining(["model.renamed", "model_version.deleted"]),
    );
    // The deletion is announced like every change: one outbox row, written with the audit entry.
    const events = await env.DB.prepare(
      "select type from outbox_events where model_name = ? order by sequence",
    )
      .bind(`${name}-b`)
      .all<{ type: string }>();
    expect(events.results.map((e) => e.type)).toContain("model_version.deleted");
  });
});

describe("MLflow artifact endpoints serve our blobs", () => {
  it("get-download-uri points at our artifact API, which lists and serves the files byte for byte", async () => {
    const name = uniqueName("art");
    await createModel(name);
    const files = {
      MLmodel: new TextEncoder().encode("flavors:\n  python_function: {}\n"),
      "model.pkl": crypto.getRandomValues(new Uint8Array(3000)),
      "metadata/conda.yaml": new TextEncoder().encode("name: mlflow-env\n"),
    };
    const manifest = [];
    for (const [path, bytes] of Object.entries(files)) {
      const { digest } = await putBlob(bytes);
      manifest.push({ path, digest, size: bytes.byteLength });
    }
    const reg = await api("POST", `/api/v1/models/${name}/versions`, { body: { files: manifest } });
    expect(reg.status).toBe(201);

    const uri = (await mlflow("GET", "model-versions/get-download-uri", { name, version: "1" })).body
      .artifact_uri;
    const root = `models/${name}/versions/1`;
    expect(uri).toBe(`http://registry.test/api/2.0/mlflow-artifacts/artifacts/${root}`);

    const list = async (path: string) =>
      json(await api("GET", `/api/2.0/mlflow-artifacts/artifacts?${new URLSearchParams({ path })}`));
    expect(await list(root)).toEqual({
      files: [
        { path: "MLmodel", is_dir: false, file_size: files.MLmodel.byteLength },
        { path: "metadata", is_dir: true },
        { path: "model.pkl", is_dir: false, file_size: 3000 },
      ],
    });
    expect(await list(`${root}/metadata`)).toEqual({
      files: [{ path: "conda.yaml", is_dir: false, file_size: files["metadata/conda.yaml"].byteLength }],
    });
    expect(await list(`${root}/nothing-here`)).toEqual({});

    for (const [path, bytes] of Object.entries(files)) {
      const res = await api("GET", `/api/2.0/mlflow-artifacts/artifacts/${root}/${path}`);
      expect(res.status, path).toBe(200);
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
    }
    const missing = await api("GET", `/api/2.0/mlflow-artifacts/artifacts/${root}/nope.bin`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error_code: string }).error_code).toBe("RESOURCE_DOES_NOT_EXIST");
  });
});

describe("MLflow callers get the same security", () => {
  it("no token is 401 in MLflow's error JSON", async () => {
    const res = await mlflow("GET", "registered-models/search", {}, null);
    expect(res.status).toBe(401);
    expect(res.body.error_code).toBe("CUSTOMER_UNAUTHORIZED");
    const bad = await mlflow("GET", "registered-models/search", {}, "not-a-token");
    expect(bad.status).toBe(401);
  });

  it("a viewer reads but cannot write; writes leave nothing behind", async () => {
    const viewer = await createToken("viewer");
    const name = uniqueName("ro");
    const res = await mlflow("POST", "registered-models/create", { name }, viewer);
    expect(res.status).toBe(403);
    expect(res.body.error_code).toBe("PERMISSION_DENIED");
    expect((await mlflow("GET", "registered-models/get", { name })).status).toBe(404);
    expect((await mlflow("GET", "registered-models/search", {}, viewer)).status).toBe(200);
  });

  it("a scoped token sees out-of-scope models as missing, in get, search and artifacts", async () => {
    const inside = uniqueName("scoped-in");
    const outside = uniqueName("scoped-out");
    await createModel(inside);
    await createModel(outside);
    const token = await createToken("contributor", ["scoped-in-*"]);
    const hidden = await mlflow("GET", "registered-models/get", { name: outside }, token);
    expect(hidden.status).toBe(404);
    expect(hidden.body.message).toBe(`Registered Model with name=${outside} not found`);
    const found = await mlflow("GET", "registered-models/search", { filter: "name LIKE 'scoped-%'" }, token);
    expect(found.body.registered_models.map((m: { name: string }) => m.name)).toEqual([inside]);
    const list = await api("GET", `/api/2.0/mlflow-artifacts/artifacts?path=models/${outside}/versions/1`, {
      token,
    });
    expect(list.status).toBe(404);
  });
});

describe("transition-stage goes through governance", () => {
  it("None → Staging works; Staging → Production without an approval is refused and nothing changes", async () => {
    const name = uniqueName("stage");
    await mlflow("POST", "registered-models/create", { name });
    await mlflow("POST", "model-versions/create", { name, source: "s3://x" });
    const staged = await mlflow("POST", "model-versions/transition-stage", {
      name,
      version: "1",
      stage: "staging",
      archive_existing_versions: false,
    });
    expect(staged.status).toBe(200);
    expect(staged.body.model_version.current_stage).toBe("Staging");
    const latest = await mlflow("POST", "registered-models/get-latest-versions", {
      name,
      stages: ["Staging"],
    });
    expect(latest.body.model_versions.map((v: { version: string }) => v.version)).toEqual(["1"]);

    const contributor = await createToken("contributor");
    const prod = await mlflow(
      "POST",
      "model-versions/transition-stage",
      { name, version: "1", stage: "Production", archive_existing_versions: true },
      contributor,
    );
    expect(prod.status).toBe(403);
    expect(prod.body.error_code).toBe("PERMISSION_DENIED");
    expect(prod.body.message).toMatch(/APPROVAL_REQUIRED/);
    const after = await mlflow("GET", "model-versions/get", { name, version: "1" });
    expect(after.body.model_version.current_stage).toBe("Staging");
    // A version in Staging/Production must be archived before it can be deleted (as for models).
    const del = await mlflow("DELETE", "model-versions/delete", { name, version: "1" });
    expect(del.status).toBe(409);
    expect(del.body.error_code).toBe("RESOURCE_CONFLICT");
    expect(del.body.message).toMatch(/archive v1 \(Staging\)/);
    expect((await mlflow("GET", "model-versions/get", { name, version: "1" })).status).toBe(200);
  });

  it("archive_existing_versions archives the other versions in the target stage", async () => {
    const name = uniqueName("arch");
    await mlflow("POST", "registered-models/create", { name });
    await mlflow("POST", "model-versions/create", { name, source: "s3://x" });
    await mlflow("POST", "model-versions/create", { name, source: "s3://y" });
    await mlflow("POST", "model-versions/transition-stage", { name, version: "1", stage: "Staging" });
    const res = await mlflow("POST", "model-versions/transition-stage", {
      name,
      version: "2",
      stage: "Staging",
      archive_existing_versions: true,
    });
    expect(res.status).toBe(200);
    const v1 = await mlflow("GET", "model-versions/get", { name, version: "1" });
    expect(v1.body.model_version.current_stage).toBe("Archived");
  });

  it("an unknown stage is 400", async () => {
    const res = await mlflow("POST", "model-versions/transition-stage", {
      name: "x",
      version: "1",
      stage: "Live",
    });
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe("INVALID_PARAMETER_VALUE");
  });
});
