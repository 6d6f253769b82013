// `npm run bench:search [-- --versions 10000] [--iterations 200] [--out file.json]`
// Search and lineage at scale: seeds N versions across 1,000 models (metrics, params, tags,
// datasets, parent links) straight into a fresh local D1 file (scripts/bench/lib/search-seed.mjs),
// starts the registry on it like `npm start`, and times realistic filters and lineage queries
// through HTTP (p50/p99) next to the very same SQL (compiled by the registry's own code, bundled
// with esbuild) run straight on a copy of that SQLite file with node:sqlite: the limit.
// Prints the query plans (EXPLAIN QUERY PLAN), then JSON, then a Markdown table.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { build as esbuild } from "esbuild";
import { migrate, ROOT, startRegistry } from "../lib/registry-server.mjs";
import { markdownTable, now, round, summary } from "./lib/measure.mjs";
import { BASE_TIME, datasetDigest, modelName, seed, versionId } from "./lib/search-seed.mjs";
import { openCopyOfD1 } from "./lib/sqlite-baseline.mjs";

const { values: args } = parseArgs({
  options: {
    versions: { type: "string", default: "100000" },
    models: { type: "string", default: "1000" },
    iterations: { type: "string", default: "200" },
    out: { type: "string" },
  },
});
const VERSIONS = Number(args.versions);
const MODELS = Math.min(Number(args.models), VERSIONS);
const ITERATIONS = Number(args.iterations);
const log = (...m) => console.error(...m);

// 1. The registry's own query builders, bundled for Node.
const bundleDir = mkdtempSync(join(tmpdir(), "bench-search-sql-"));
await esbuild({
  entryPoints: [join(ROOT, "scripts/bench/lib/search-sql.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  outfile: join(bundleDir, "search-sql.mjs"),
  logLevel: "warning",
});
const { searchSql, lineageSql, datasetSql } = await import(join(bundleDir, "search-sql.mjs"));

// 2. Fresh state: migrate, seed straight into the D1 file, then start the server on it.
const stateDir = mkdtempSync(join(tmpdir(), "bench-search-state-"));
migrate(stateDir);
let t = now();
const seeded = seed(stateDir, { versions: VERSIONS, models: MODELS });
const seedSeconds = (now() - t) / 1000;
log(`seeded ${seeded.versions} versions in ${seedSeconds.toFixed(1)} s`, seeded.rows);
const registry = await startRegistry({
  port: 0,
  stateDir,
  outDir: mkdtempSync(join(tmpdir(), "bench-search-dist-")),
  token: "bench-admin",
  crons: false,
  quiet: true,
});
const sqlite = openCopyOfD1(stateDir);
// D1's own plans (workerd bundles its own SQLite build). Not timed: from Node, every D1 call also
// crosses Miniflare's Node↔workerd proxy, which costs more than the HTTP request it would isolate.
const d1 = await registry.mf.getD1Database("DB");

const per = seeded.perModel;
const mid = Math.floor(MODELS / 2);
const recent = new Date(BASE_TIME + (VERSIONS - 500) * 1000).toISOString();
const digest = datasetDigest(42, 1);
const search = (filter, orderBy = "", pageSize = 100) => ({
  path: `/api/v1/model-versions?filter=${encodeURIComponent(filter)}&order_by=${encodeURIComponent(orderBy)}&page_size=${pageSize}`,
  sql: searchSql(filter, orderBy, pageSize),
});
const QUERIES = [
  { name: "metric threshold, ordered by metric", ...search("metrics.auc >= 0.995", "metrics.auc DESC") },
  { name: "tag + stage", ...search("tags.validation_status = 'passed' AND stage = 'Production'") },
  {
    name: "name prefix + metric + param",
    ...search("name LIKE 'bench-m001%' AND metrics.auc > 0.9 AND params.max_depth = '8'"),
  },
  { name: "dataset digest", ...search(`dataset.digest = '${digest}'`) },
  { name: "created_at range, newest first", ...search(`created_at > '${recent}'`, "created_at DESC") },
  {
    name: `lineage upstream depth 20 (${modelName(mid)}/${per})`,
    path: `/api/v1/models/${modelName(mid)}/versions/${per}/lineage?direction=upstream&depth=20`,
    sql: lineageSql(versionId(mid, per), "upstream", 20),
  },
  {
    name: `lineage downstream depth 5 (${modelName(0)}/1)`,
    path: `/api/v1/models/${modelName(0)}/versions/1/lineage?direction=downstream&depth=5`,
    sql: lineageSql(versionId(0, 1), "downstream", 5),
  },
  {
    name: "Production versions that used a dataset version (by uri)",
    path: `/api/v1/datasets/${encodeURIComponent("s3://lake/holdout")}/models?version=v1&stage=Production&page_size=100`,
    sql: datasetSql({ uri: "s3://lake/holdout", version: "v1" }, "Production", 100),
  },
];

const headers = { authorization: `Bearer ${registry.token}` };
const results = {
  generated_at: new Date().toISOString(),
  versions: seeded.versions,
  models: MODELS,
  iterations: ITERATIONS,
  seed_seconds: round(seedSeconds, 1),
  rows: [],
  plans: {},
};
try {
  for (const q of QUERIES) {
    const statement = sqlite.prepare(q.sql.sql);
    const plan = sqlite
      .prepare(`explain query plan ${q.sql.sql}`)
      .all(...q.sql.params)
      .map((r) => r.detail);
    const d1Plan = (
      await d1
        .prepare(`explain query plan ${q.sql.sql}`)
        .bind(...q.sql.params)
        .all()
    ).results.map((r) => r.detail);
    results.plans[q.name] = {
      sqlite: plan,
      ...(d1Plan.join("\n") === plan.join("\n") ? {} : { d1: d1Plan }),
    };
    let rows = 0;
    const http = [];
    const direct = [];
    for (let i = 0; i < ITERATIONS + 5; i++) {
      t = now();
      const response = await fetch(`${registry.url}${q.path}`, { headers });
      const body = await response.json();
      if (response.status !== 200) throw new Error(`${q.name}: ${response.status} ${JSON.stringify(body)}`);
      if (i >= 5) http.push(now() - t); // the first few warm up the isolate and the page cache
      rows = (body.items ?? body.nodes).length;
      t = now();
      statement.all(...q.sql.params);
      if (i >= 5) direct.push(now() - t);
    }
    const h = summary(http);
    const d = summary(direct);
    results.rows.push({
      query: q.name,
      rows,
      http_p50_ms: h.p50_ms,
      http_p99_ms: h.p99_ms,
      sqlite_p50_ms: d.p50_ms,
      sqlite_p99_ms: d.p99_ms,
      "http/sqlite p50": round(h.p50_ms / d.p50_ms, 1),
    });
    log(`${q.name}: http p50 ${h.p50_ms} ms, sqlite p50 ${d.p50_ms} ms, ${rows} rows`);
  }
} finally {
  await registry.stop();
}

for (const [name, plan] of Object.entries(results.plans)) {
  console.log(`-- ${name}\n${plan.sqlite.map((l) => `   ${l}`).join("\n")}`);
  if (plan.d1)
    console.log(
      `   D1 (workerd's SQLite) plans it differently:\n${plan.d1.map((l) => `   ${l}`).join("\n")}`,
    );
}
console.log(JSON.stringify(results, null, 2));
console.log(
  `\n${seeded.versions} versions across ${MODELS} models, ${ITERATIONS} sequential requests per query\n\n${markdownTable(results.rows, ["query", "rows", "http_p50_ms", "http_p99_ms", "sqlite_p50_ms", "sqlite_p99_ms", "http/sqlite p50"])}`,
);
if (args.out) writeFileSync(args.out, JSON.stringify(results, null, 2));
