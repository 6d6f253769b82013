/**
 * End to end over real HTTP: a model pushed with our CLI downloads file for file identical through
 * the MLflow endpoints, following exactly the calls MLflow 2.12.2 makes for
 * `mlflow.artifacts.download_artifacts("models:/NAME@ALIAS")` (recorded in
 * ../shared/mlflow-rest-trace.md): registered-models/alias → model-versions/get-download-uri →
 * HttpArtifactRepository listing `GET /api/2.0/mlflow-artifacts/artifacts?path=ROOT/DIR` recursively
 * and downloading `GET {artifact_uri}/FILE`, all with the Bearer token MLFLOW_TRACKING_TOKEN sends.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, posix, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestRegistry, type TestRegistry } from "./support/server";

const ROOT = resolve(import.meta.dirname, "..", "..");
const MiB = 1024 * 1024;

function push(registry: TestRegistry, args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(
      process.execPath,
      [join(ROOT, "bin", "registry.mjs"), "--json", "push", ...args],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          REGISTRY_URL: registry.url,
          REGISTRY_TOKEN: registry.token,
          REGISTRY_CACHE_DIR: mkdtempSync(join(tmpdir(), "mlflow-cli-cache-")),
        },
        maxBuffer: 16 * MiB,
      },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr }),
    );
  });
}

/** What MLflow's client does for `models:/NAME@ALIAS`, call for call. */
async function mlflowDownload(registry: TestRegistry, name: string, alias: string) {
  const auth = { authorization: `Bearer ${registry.token}` };
  const calls: string[] = [];
  const get = async (url: string) => {
    calls.push(`GET ${new URL(url).pathname}${new URL(url).search}`);
    const res = await fetch(url, { headers: auth });
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    return res;
  };
  const api = `${registry.url}/api/2.0/mlflow`;
  const q = (p: Record<string, string>) => new URLSearchParams(p).toString();
  const mv = (await (await get(`${api}/registered-models/alias?${q({ name, alias })}`)).json()) as {
    model_version: { version: string };
  };
  const { artifact_uri } = (await (
    await get(`${api}/model-versions/get-download-uri?${q({ name, version: mv.model_version.version })}`)
  ).json()) as { artifact_uri: string };
  // HttpArtifactRepository.list_artifacts: split the URI at the endpoint, list `root/path`.
  const endpoint = "/mlflow-artifacts/artifacts";
  const [base, tail] = artifact_uri.split(endpoint) as [string, string];
  const root = tail.replace(/^\/+/, "");
  const list = async (path: string) => {
    const res = await get(`${base}${endpoint}?${q({ path: path ? posix.join(root, path) : root })}`);
    const body = (await res.json()) as { files?: { path: string; is_dir: boolean; file_size?: number }[] };
    return (body.files ?? []).map((f) => ({ ...f, path: path ? posix.join(path, f.path) : f.path }));
  };
  const files = new Map<string, Buffer>();
  const walk = async (path: string): Promise<void> => {
    for (const entry of await list(path)) {
      if (entry.is_dir) await walk(entry.path);
      else {
        const bytes = Buffer.from(await (await get(`${artifact_uri}/${entry.path}`)).arrayBuffer());
        expect(bytes.length, entry.path).toBe(entry.file_size);
        files.set(entry.path, bytes);
      }
    }
  };
  await walk("");
  return { artifact_uri, files, calls };
}

describe("MLflow clients download what our CLI pushed", () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startTestRegistry();
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it("models:/NAME@ALIAS through the MLflow artifact API is file-for-file identical", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlflow-model-"));
    const files: Record<string, Buffer> = {
      MLmodel: Buffer.from("flavors:\n  python_function:\n    loader_module: mlflow.sklearn\n"),
      "model.pkl": randomBytes(9 * MiB + 17),
      "metadata/conda.yaml": Buffer.from("name: mlflow-env\n"),
      "metadata/deep/requirements.txt": Buffer.from("scikit-learn==1.2.1\n"),
      "empty.txt": Buffer.alloc(0),
    };
    for (const [path, bytes] of Object.entries(files)) {
      mkdirSync(join(dir, path, ".."), { recursive: true });
      writeFileSync(join(dir, path), bytes);
    }
    const pushed = await push(registry, [
      "mlflow-e2e",
      dir,
      "--multipart-threshold",
      "8MiB",
      "--part-size",
      "5MiB",
      "--alias",
      "champion",
    ]);
    expect(pushed.code, pushed.stderr).toBe(0);

    const got = await mlflowDownload(registry, "mlflow-e2e", "champion");
    expect(got.artifact_uri).toBe(
      `${registry.url}/api/2.0/mlflow-artifacts/artifacts/models/mlflow-e2e/versions/1`,
    );
    expect([...got.files.keys()].sort()).toEqual(Object.keys(files).sort());
    for (const [path, bytes] of Object.entries(files)) {
      expect(got.files.get(path)?.equals(bytes), path).toBe(true);
    }
    expect(got.calls[0]).toBe("GET /api/2.0/mlflow/registered-models/alias?name=mlflow-e2e&alias=champion");
    expect(got.calls[2]).toBe(
      "GET /api/2.0/mlflow-artifacts/artifacts?path=models%2Fmlflow-e2e%2Fversions%2F1",
    );
  });

  it("mlflow.register_model's sequence works over HTTP: create, RESOURCE_ALREADY_EXISTS, create version", async () => {
    const call = (method: string, endpoint: string, body: unknown) =>
      fetch(`${registry.url}/api/2.0/mlflow/${endpoint}`, {
        method,
        headers: { authorization: `Bearer ${registry.token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await call("POST", "registered-models/create", { name: "mlflow-e2e" })).status).toBe(400);
    const again = await call("POST", "registered-models/create", { name: "mlflow-e2e" });
    expect(((await again.json()) as { error_code: string }).error_code).toBe("RESOURCE_ALREADY_EXISTS");
    const created = await call("POST", "model-versions/create", {
      name: "mlflow-e2e",
      source: "mlflow-artifacts:/2/run/artifacts/model",
      run_id: "run",
    });
    expect(created.status).toBe(200);
    expect(((await created.json()) as { model_version: { version: string } }).model_version.version).toBe(
      "2",
    );
    const uri = await fetch(
      `${registry.url}/api/2.0/mlflow/model-versions/get-download-uri?name=mlflow-e2e&version=2`,
      { headers: { authorization: `Bearer ${registry.token}` } },
    );
    expect(await uri.json()).toEqual({ artifact_uri: "mlflow-artifacts:/2/run/artifacts/model" });
  });
});
