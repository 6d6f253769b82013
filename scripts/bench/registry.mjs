// `npm run bench [-- --quick]`: the registry's core figures through its public HTTP API, each beside a
// baseline measured in the same run (a bare route on the same runtime = the HTTP floor; the same SQL
// straight on SQLite = the storage limit) and as a ratio to it. Prints JSON, then a Markdown table.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startRegistry } from "../lib/registry-server.mjs";
import { markdownTable, now, pool, progress, round, summary, workerdRssMiB } from "./lib/measure.mjs";
import { openCopyOfD1, registrationStatements } from "./lib/sqlite-baseline.mjs";

const { values: args } = parseArgs({
  options: { quick: { type: "boolean", default: false }, out: { type: "string" } },
});
const SIZE = args.quick
  ? { registrations: 300, resolves: 300, floor: 300, searchScales: [10_000], searchIterations: 40 }
  : {
      registrations: 3000,
      resolves: 2000,
      floor: 2000,
      searchScales: [10_000, 100_000],
      searchIterations: 200,
    };

const stateDir = mkdtempSync(join(tmpdir(), "bench-state-"));
const registry = await startRegistry({
  port: 0,
  stateDir,
  outDir: mkdtempSync(join(tmpdir(), "bench-dist-")),
  token: "bench-admin",
  crons: false,
  quiet: true,
});
const headers = { authorization: `Bearer ${registry.token}`, "content-type": "application/json" };
const call = (method, path, body, extra = {}) =>
  fetch(`${registry.url}${path}`, {
    method,
    headers: { ...headers, ...extra },
    body: body && JSON.stringify(body),
  });

async function must(response, status) {
  if (response.status !== status) throw new Error(`${response.status} ${await response.text()}`);
  return response;
}

const results = { generated_at: new Date().toISOString(), quick: args.quick, rows: [] };
const row = (figure, value, unit, baseline, baselineName) =>
  results.rows.push({
    figure,
    value: round(value),
    unit,
    baseline: baseline === undefined ? "" : round(baseline),
    baseline_is: baselineName ?? "",
    ratio: baseline === undefined ? "" : round(unit.endsWith("/s") ? value / baseline : value / baseline, 3),
  });

try {
  // --- the HTTP floor: a bare route (static /docs page, no I/O) on the same runtime ---
  const floorLatency = [];
  let bar = progress("bare route latency", SIZE.floor);
  await pool(
    SIZE.floor,
    1,
    async () => {
      const t = now();
      await (await fetch(`${registry.url}/docs`)).arrayBuffer();
      floorLatency.push(now() - t);
    },
    bar,
  );
  bar.stop();
  const floorRate = {};
  for (const c of [1, 8, 64]) {
    bar = progress(`bare route throughput c=${c}`, SIZE.floor);
    const t = now();
    await pool(
      SIZE.floor,
      c,
      async () => void (await (await fetch(`${registry.url}/docs`)).arrayBuffer()),
      bar,
    );
    bar.stop();
    floorRate[c] = SIZE.floor / ((now() - t) / 1000);
  }

  // --- registration throughput ---
  const register = async (model, i) =>
    (
      await must(await call("POST", `/api/v1/models/${model}/versions`, { metrics: { auc: i / 1e6 } }), 201)
    ).arrayBuffer();
  for (const c of [1, 8, 64]) {
    const model = `bench-one-c${c}`;
    await must(await call("POST", "/api/v1/models", { name: model }), 201);
    bar = progress(`register, one model, c=${c}`, SIZE.registrations);
    const t = now();
    await pool(SIZE.registrations, c, (i) => register(model, i), bar);
    bar.stop();
    row(
      `registrations/s, one model, ${c} clients`,
      SIZE.registrations / ((now() - t) / 1000),
      "versions/s",
      floorRate[c],
      "bare route req/s",
    );
  }
  const many = Array.from({ length: 50 }, (_, i) => `bench-many-${i}`);
  await Promise.all(many.map(async (m) => must(await call("POST", "/api/v1/models", { name: m }), 201)));
  bar = progress("register, 50 models, c=64", SIZE.registrations);
  let t = now();
  await pool(SIZE.registrations, 64, (i) => register(many[i % 50], i), bar);
  bar.stop();
  row(
    "registrations/s, 50 models, 64 clients",
    SIZE.registrations / ((now() - t) / 1000),
    "versions/s",
    floorRate[64],
    "bare route req/s",
  );

  // --- alias resolution: cold (200 with the version) and warm (If-None-Match → 304) ---
  await must(await call("PUT", "/api/v1/models/bench-one-c1/aliases/champion", { version: 1 }), 200);
  const cold = [];
  const warm = [];
  bar = progress("alias resolve cold + warm", SIZE.resolves * 2);
  let etag = "";
  await pool(
    SIZE.resolves,
    1,
    async () => {
      let t0 = now();
      const res = await must(await call("GET", "/api/v1/models/bench-one-c1/aliases/champion"), 200);
      await res.arrayBuffer();
      cold.push(now() - t0);
      etag = res.headers.get("etag") ?? "";
      bar.increment();
      t0 = now();
      await must(
        await call("GET", "/api/v1/models/bench-one-c1/aliases/champion", undefined, {
          "if-none-match": etag,
        }),
        304,
      );
      warm.push(now() - t0);
    },
    bar,
  );
  bar.stop();
  const floor = summary(floorLatency);
  row("alias resolve p50, cold (200)", summary(cold).p50_ms, "ms", floor.p50_ms, "bare route p50");
  row("alias resolve p99, cold (200)", summary(cold).p99_ms, "ms", floor.p99_ms, "bare route p99");
  row("alias resolve p50, warm (304)", summary(warm).p50_ms, "ms", floor.p50_ms, "bare route p50");
  row("alias resolve p99, warm (304)", summary(warm).p99_ms, "ms", floor.p99_ms, "bare route p99");

  // --- the storage limit: the same writes and reads straight on a copy of the SQLite file ---
  const db = openCopyOfD1(stateDir);
  const modelId = db.prepare("select id from models where name = 'bench-one-c1'").get().id;
  const registerDirect = registrationStatements(db, modelId);
  t = now();
  for (let i = 0; i < SIZE.registrations; i++) registerDirect(i + 1e6);
  const directRate = SIZE.registrations / ((now() - t) / 1000);
  row("registrations/s straight on SQLite (limit)", directRate, "versions/s");
  const resolveDirect = db.prepare(
    `select v.*, (select json_group_object(t.key, t.value) from version_tags t where t.version_id = v.id) tags
       from aliases a join models m on m.id = a.model_id join model_versions v on v.model_id = a.model_id and v.version = a.version
      where m.name = 'bench-one-c1' and a.alias = 'champion'`,
  );
  const directResolve = [];
  for (let i = 0; i < SIZE.resolves; i++) {
    const t0 = now();
    resolveDirect.get();
    directResolve.push(now() - t0);
  }
  row("alias resolve p50 straight on SQLite (limit)", summary(directResolve).p50_ms, "ms");
  db.close();
  const oneModel64 = results.rows.find((r) => r.figure === "registrations/s, one model, 64 clients");
  row(
    "registrations/s one model c=64 vs SQLite",
    oneModel64.value,
    "versions/s",
    directRate,
    "SQLite versions/s",
  );

  results.memory_workerd_rss_mib = workerdRssMiB();
  row("workerd resident memory after the run", results.memory_workerd_rss_mib ?? Number.NaN, "MiB");
} finally {
  await registry.stop();
}

// --- search at scale: scripts/bench/search.mjs seeds N versions straight into a fresh D1 file
// (see its header) and times five filters and lineage through HTTP beside the same SQL on SQLite.
for (const versions of SIZE.searchScales) {
  process.stderr.write(`search at ${versions} versions (seeding straight into D1, then timing)…\n`);
  const out = join(mkdtempSync(join(tmpdir(), "bench-search-out-")), "search.json");
  execFileSync(
    process.execPath,
    [
      join(import.meta.dirname, "search.mjs"),
      "--versions",
      String(versions),
      "--iterations",
      String(SIZE.searchIterations),
      "--out",
      out,
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  for (const q of JSON.parse(readFileSync(out, "utf8")).rows) {
    row(
      `search p50 @${versions / 1000}k: ${q.query}`,
      q.http_p50_ms,
      "ms",
      q.sqlite_p50_ms,
      "same SQL on SQLite p50",
    );
    row(
      `search p99 @${versions / 1000}k: ${q.query}`,
      q.http_p99_ms,
      "ms",
      q.sqlite_p99_ms,
      "same SQL on SQLite p99",
    );
  }
}

const table = markdownTable(results.rows, ["figure", "value", "unit", "baseline", "baseline_is", "ratio"]);
results.markdown = table;
if (args.out) writeFileSync(args.out, JSON.stringify(results, null, 2));
console.log(JSON.stringify(results, null, 2));
console.log(`\n${table}\n`);
