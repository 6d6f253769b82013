// What the MLflow facade costs on this registry: each MLflow call timed beside its native /api/v1
// equivalent on the same data, alternating the two so drift hits both alike; the native call is the
// baseline and the ratio is MLflow / native (p50). Part of `npm run bench:mlflow`.
import { createHash, randomBytes } from "node:crypto";
import { now, percentile, round } from "./measure.mjs";

const log = (...m) => console.error(...m);

/** @param {{ url: string, token: string }} registry */
export async function facadeVsNative(registry, { iterations = 300, models = 50 } = {}) {
  const ITERATIONS = iterations;
  const MODELS = models;
  const headers = { authorization: `Bearer ${registry.token}`, "content-type": "application/json" };
  async function call(method, path, body) {
    const res = await fetch(`${registry.url}${path}`, {
      method,
      headers,
      body: body && JSON.stringify(body),
    });
    const bytes = await res.arrayBuffer();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${Buffer.from(bytes)}`);
    return bytes;
  }
  log(`seeding ${MODELS} models × 5 versions, tags and an alias; one 1 MiB artifact`);
  const file = randomBytes(1024 * 1024);
  const digest = `sha256:${createHash("sha256").update(file).digest("hex")}`;
  await fetch(`${registry.url}/api/v1/blobs/${digest}`, {
    method: "PUT",
    headers: { authorization: headers.authorization, "content-type": "application/octet-stream" },
    body: file,
  });
  const names = Array.from({ length: MODELS }, (_, i) => `facade-${String(i).padStart(4, "0")}`);
  for (const name of names) {
    await call("POST", "/api/v1/models", { name, tags: { team: "risk", tier: "gold" } });
    for (let v = 1; v <= 5; v++) {
      await call("POST", `/api/v1/models/${name}/versions`, {
        tags: { parity: v % 2 ? "odd" : "even" },
        source: { uri: `s3://bench/${name}/v${v}`, run_id: `run-${v}` },
        files: [{ path: "model/weights.bin", digest, size: file.length }],
      });
    }
    await call("PUT", `/api/v1/models/${name}/aliases/champion`, { version: 3 });
  }

  const pick = (i) => names[i % names.length];
  const q = (p) => new URLSearchParams(p).toString();
  const pairs = [
    [
      "get model",
      (n) => ["GET", `/api/2.0/mlflow/registered-models/get?${q({ name: n })}`],
      (n) => ["GET", `/api/v1/models/${n}`],
    ],
    [
      "get version",
      (n) => ["GET", `/api/2.0/mlflow/model-versions/get?${q({ name: n, version: "3" })}`],
      (n) => ["GET", `/api/v1/models/${n}/versions/3`],
    ],
    [
      "resolve alias",
      (n) => ["GET", `/api/2.0/mlflow/registered-models/alias?${q({ name: n, alias: "champion" })}`],
      (n) => ["GET", `/api/v1/models/${n}/aliases/champion`],
    ],
    [
      "search versions of a model",
      (n) => [
        "GET",
        `/api/2.0/mlflow/model-versions/search?${q({ filter: `name='${n}'`, max_results: "10000" })}`,
      ],
      (n) => ["GET", `/api/v1/model-versions?${q({ filter: `name = '${n}'` })}`],
    ],
    [
      "download 1 MiB artifact",
      (n) => ["GET", `/api/2.0/mlflow-artifacts/artifacts/models/${n}/versions/3/model/weights.bin`],
      (n) => ["GET", `/api/v1/models/${n}/versions/3/files/model/weights.bin`],
    ],
    [
      "register a version (write)",
      (n) => [
        "POST",
        "/api/2.0/mlflow/model-versions/create",
        { name: n, source: "s3://bench/new", run_id: "r" },
      ],
      (n) => ["POST", `/api/v1/models/${n}/versions`, { source: { uri: "s3://bench/new", run_id: "r" } }],
    ],
  ];
  const rows = [];
  for (const [figure, mlflowCall, nativeCall] of pairs) {
    const m = [];
    const n = [];
    for (let i = 0; i < ITERATIONS; i++) {
      for (const [samples, make] of i % 2
        ? [
            [m, mlflowCall],
            [n, nativeCall],
          ]
        : [
            [n, nativeCall],
            [m, mlflowCall],
          ]) {
        const [method, path, body] = make(pick(i));
        const t = now();
        await call(method, path, body);
        samples.push(now() - t);
      }
    }
    const p50 = percentile(m, 50);
    const base = percentile(n, 50);
    rows.push({
      figure,
      mlflow_p50_ms: round(p50),
      mlflow_p99_ms: round(percentile(m, 99)),
      native_p50_ms: round(base),
      native_p99_ms: round(percentile(n, 99)),
      ratio_p50: round(p50 / base, 2),
    });
    log(`${figure}: mlflow ${round(p50)} ms, native ${round(base)} ms`);
  }
  return rows;
}
