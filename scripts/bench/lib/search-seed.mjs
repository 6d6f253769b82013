// Seeds the search benchmark's data straight into the registry's local D1 SQLite file with
// node:sqlite, in one transaction, before the server starts. Going through the HTTP API would take
// hours for 100,000 versions; the rows written here are the ones the ModelLedger writes (versions
// with their JSON record, tags, aliases, and the 0005 index tables), minus the audit chain and the
// outbox, which search never reads.
import { readdirSync } from "node:fs";
import { join } from "node:path";

process.removeAllListeners("warning");
const { DatabaseSync } = await import("node:sqlite");

export function d1File(stateDir) {
  const dir = join(stateDir, "v3", "d1", "miniflare-D1DatabaseObject");
  const file = readdirSync(dir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  if (!file) throw new Error(`no D1 database under ${dir}: run the migrations first`);
  return join(dir, file);
}

/** A small deterministic PRNG (mulberry32), so every run seeds the same data. */
function random(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const datasetDigest = (j, k) => `sha256:${(j * 1000 + k).toString(16).padStart(64, "d")}`;
export const modelName = (i) => `bench-m${String(i).padStart(4, "0")}`;
export const versionId = (i, v) => `ver_b${i}_${v}`;
export const BASE_TIME = Date.parse("2026-01-01T00:00:00Z");
const TEAMS = ["risk", "growth", "ops", "fraud"];

/**
 * @returns {{ versions: number, rows: Record<string, number> }}
 */
export function seed(stateDir, { versions, models }) {
  const db = new DatabaseSync(d1File(stateDir));
  const rand = random(7);
  const perModel = Math.floor(versions / models);
  const q = (sql) => db.prepare(sql);
  const ins = {
    model: q(
      "insert into models (id, name, description, owner, last_version, created_at, updated_at) values (?, ?, '', 'bench', ?, ?, ?)",
    ),
    modelTag: q("insert into model_tags (model_id, key, value) values (?, 'team', ?)"),
    version:
      q(`insert into model_versions (id, model_id, version, description, stage, status, created_by, created_at, updated_at,
      needs_review, run_id, source_uri, params, metrics, slices, datasets, provenance, parent_model, parent_version,
      signature, model_card, files, manifest_digest, total_size)
      values (?, ?, ?, '', ?, 'READY', 'bench', ?, ?, 0, ?, null, ?, ?, ?, ?, ?, ?, ?, null, null, '[]', ?, 0)`),
    tag: q("insert into version_tags (version_id, key, value) values (?, ?, ?)"),
    alias: q(
      "insert into aliases (model_id, alias, version, updated_at, updated_by) values (?, 'champion', ?, ?, 'bench')",
    ),
    metric: q(
      "insert into version_metrics (version_id, model_id, slice, name, value) values (?, ?, ?, ?, ?)",
    ),
    param: q("insert into version_params (version_id, key, value) values (?, ?, ?)"),
    dataset: q(
      "insert into version_datasets (version_id, model_id, position, uri, version, digest, role) values (?, ?, ?, ?, ?, ?, ?)",
    ),
  };
  const counts = {
    models: 0,
    model_versions: 0,
    version_metrics: 0,
    version_params: 0,
    version_tags: 0,
    version_datasets: 0,
  };
  const zero = `sha256:${"0".repeat(64)}`;
  db.exec("begin");
  let n = 0;
  for (let i = 0; i < models; i++) {
    const modelId = `mdl_b${i}`;
    const name = modelName(i);
    ins.model.run(modelId, name, perModel, BASE_TIME, BASE_TIME);
    ins.modelTag.run(modelId, TEAMS[i % TEAMS.length]);
    ins.alias.run(modelId, perModel, BASE_TIME);
    counts.models++;
    for (let v = 1; v <= perModel; v++, n++) {
      const id = versionId(i, v);
      const t = BASE_TIME + n * 1000;
      const stage =
        v === perModel
          ? "Production"
          : v === perModel - 1
            ? "Staging"
            : v < perModel / 2
              ? "Archived"
              : "None";
      const metrics = { auc: 0.5 + rand() / 2, precision: rand(), recall: rand() };
      const slices = { "segment=high_value": { auc: 0.5 + rand() / 2 } };
      const params = {
        max_depth: String(3 + Math.floor(rand() * 10)),
        learning_rate: "0.01",
        n_estimators: String(100 * (1 + (v % 5))),
      };
      const j = Math.floor(rand() * 500);
      const k = Math.floor(rand() * 4);
      const datasets = [
        { uri: `s3://lake/ds${j}`, version: `v${k}`, digest: datasetDigest(j, k), role: "training" },
      ];
      if (rand() < 0.5)
        datasets.push({
          uri: "s3://lake/holdout",
          version: `v${k}`,
          digest: datasetDigest(9999, k),
          role: "evaluation",
        });
      // Chains within a model, plus 2% cross-model parents so downstream trees branch across models.
      let parent = v > 1 ? [name, v - 1] : null;
      if (i > 0 && rand() < 0.02)
        parent = [modelName(Math.floor(rand() * i)), 1 + Math.floor(rand() * perModel)];
      const runId = `run-${n}`;
      ins.version.run(
        id,
        modelId,
        v,
        stage,
        t,
        t,
        runId,
        JSON.stringify(params),
        JSON.stringify(metrics),
        JSON.stringify(slices),
        JSON.stringify(datasets),
        JSON.stringify({ run_id: runId, code_commit: `c${n % 997}` }),
        parent?.[0] ?? null,
        parent?.[1] ?? null,
        zero,
      );
      counts.model_versions++;
      for (const [key, value] of Object.entries(metrics)) ins.metric.run(id, modelId, "", key, value);
      for (const [slice, m] of Object.entries(slices))
        for (const [key, value] of Object.entries(m)) ins.metric.run(id, modelId, slice, key, value);
      counts.version_metrics += 4;
      for (const [key, value] of Object.entries(params)) ins.param.run(id, key, value);
      counts.version_params += 3;
      ins.tag.run(id, "validation_status", rand() < 0.7 ? "passed" : "failed");
      ins.tag.run(id, "owner", TEAMS[(i + v) % TEAMS.length]);
      counts.version_tags += 2;
      for (const [p, d] of datasets.entries())
        ins.dataset.run(id, modelId, p, d.uri, d.version, d.digest, d.role);
      counts.version_datasets += datasets.length;
    }
  }
  db.exec("commit");
  db.close();
  return { versions: n, perModel, rows: counts };
}
