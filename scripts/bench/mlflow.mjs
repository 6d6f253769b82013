// `npm run bench:mlflow [-- --quick] [--out file.json]`: side by side with the real MLflow 2.12.2.
// One MLflow-REST workload (scripts/bench/lib/mlflow_workload.py: Python stdlib, keep-alive, 8
// threads) runs against the real MLflow server (../shared/peers/mlflow, SQLite, 4 gunicorn workers)
// and against this registry (`npm start`'s server), one after the other in the same run; a bare
// Worker on the same runtime gives the floor, and /proc gives workerd CPU time per request.
// Also keeps the facade-vs-native figures. Prints JSON, then Markdown tables.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ROOT, startRegistry } from "../lib/registry-server.mjs";
import { startBareWorker } from "./lib/bare-worker.mjs";
import { facadeVsNative } from "./lib/facade-vs-native.mjs";
import { markdownTable, round, workerdPids } from "./lib/measure.mjs";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    out: { type: "string" },
    "mlflow-port": { type: "string", default: process.env.MLFLOW_PORT ?? "5055" },
    // Smaller runs for a busy machine; the defaults are the workload.
    versions: { type: "string" },
    "search-versions": { type: "string" },
    // Issue 13 (search): `--only search` seeds --search-versions and times the searches alone.
    only: { type: "string" },
  },
});
const SIZE = args.quick
  ? { models: 8, versions: 10, searchVersions: 500, reads: 300, oneModel: 16, facade: 40 }
  : { models: 20, versions: 50, searchVersions: 10_000, reads: 1000, oneModel: 64, facade: 100 };
if (args.versions) SIZE.versions = Number(args.versions);
if (args["search-versions"]) SIZE.searchVersions = Number(args["search-versions"]);
const log = (...m) => console.error(...m);
const ONLY_SEARCH = args.only === "search";
if (args.only !== undefined && !ONLY_SEARCH) throw new Error(`--only ${args.only}: only "search" is known`);
const loadavg = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
const loadAtStart = loadavg();
const PEER = [
  process.env.MLFLOW_PEER,
  resolve(ROOT, "../shared/peers/mlflow"),
  resolve(ROOT, "../../shared/peers/mlflow"),
]
  .filter(Boolean)
  .find((dir) => existsSync(join(dir, "start.sh")));
if (!PEER) throw new Error("no MLflow peer: set MLFLOW_PEER to ../shared/peers/mlflow (README there)");

function workload(url, token, label, extra = []) {
  const out = execFileSync(
    "/usr/bin/python3",
    [
      join(ROOT, "scripts/bench/lib/mlflow_workload.py"),
      `--url=${url}`,
      `--token=${token}`,
      `--label=${label}`,
      `--models=${SIZE.models}`,
      `--versions=${SIZE.versions}`,
      `--search-versions=${SIZE.searchVersions}`,
      `--reads=${SIZE.reads}`,
      `--one-model-clients=${SIZE.oneModel}`,
      ...(ONLY_SEARCH ? ["--only-search"] : []),
      ...extra,
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 24 },
  );
  return JSON.parse(out.trim().split("\n").at(-1) ?? "{}");
}

// 1. The floor: a bare Worker, 1 client p50 and 8 / 64 clients throughput, CPU per request.
let floor;
if (!ONLY_SEARCH) {
  log("bare Worker (floor)");
  const bare = await startBareWorker();
  try {
    floor = workload(bare.url, "", "bare", [
      "--only-reads",
      "--read-path=/",
      `--cpu-pids=${workerdPids().join(",")}`,
    ]);
  } finally {
    await bare.stop();
  }
}

// 2. This registry, as `npm start` runs it, with an ordinary (non-bootstrap) API token.
log("this registry");
const registry = await startRegistry({
  port: 0,
  stateDir: mkdtempSync(join(tmpdir(), "bench-mlflow-state-")),
  outDir: mkdtempSync(join(tmpdir(), "bench-mlflow-dist-")),
  token: "bench-admin",
  crons: false,
  quiet: true,
});
let ours;
let facade;
try {
  const created = await fetch(`${registry.url}/api/v1/tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${registry.token}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "bench", role: "admin" }),
  });
  const { token } = await created.json();
  log("facade vs native");
  if (!ONLY_SEARCH)
    facade = await facadeVsNative({ url: registry.url, token }, { iterations: SIZE.facade, models: 20 });
  ours = workload(registry.url, token, "registry", ["--native", `--cpu-pids=${workerdPids().join(",")}`]);
} finally {
  await registry.stop();
}

// 3. The real MLflow 2.12.2, same workload.
log(`MLflow 2.12.2 from ${PEER}`);
const mlflowEnv = {
  ...process.env,
  PORT: args["mlflow-port"],
  STATE_DIR: mkdtempSync(join(tmpdir(), "bench-mlflow-peer-")),
};
execFileSync("bash", [join(PEER, "start.sh")], { env: mlflowEnv, stdio: ["ignore", "inherit", "inherit"] });
let theirs;
try {
  theirs = workload(`http://127.0.0.1:${args["mlflow-port"]}`, "", "mlflow");
} finally {
  execFileSync("bash", [join(PEER, "stop.sh")], { env: mlflowEnv, stdio: "inherit" });
}

if (ONLY_SEARCH) {
  printSearchOnly();
  process.exit(0);
}

// Ratios: how many times better we are (throughput ours/theirs; latency theirs/ours).
const faster = (a, b) => round(a / b, 2);
const rows = [
  ["create_model_version, 8 clients on 8 models (/s)", "create_model_version_8", "per_s", ">= 2x"],
  ["set alias, 8 clients (/s)", "set_alias_8", "per_s", ">= 2x"],
  ["stage transitions, 8 clients (/s)", "transition_stage_8", "per_s", ">= 2x"],
  ["get version by alias, 1 client, p50 (ms)", "get_by_alias_1", "p50_ms", ">= 1.25x"],
  ["get version by alias, 8 clients (/s)", "get_by_alias_8", "per_s", ">= 1x"],
  [`search versions at ${SIZE.searchVersions}, name + tag, p50 (ms)`, "search_name_tag_1", "p50_ms", ">= 5x"],
  [
    `search versions at ${SIZE.searchVersions}, name + metric*, p50 (ms)`,
    "search_name_metric_tag_1",
    "p50_ms",
    ">= 5x",
  ],
].map(([operation, key, field, target]) => {
  const m = theirs[key]?.[field];
  const r = field === "per_s" ? ours[key]?.[field] : ours[key]?.[field];
  const mine = key === "search_name_metric_tag_1" ? ours.native_search_name_metric_1?.p50_ms : r;
  return {
    operation,
    mlflow: m,
    registry: mine,
    ratio: field === "per_s" ? faster(mine, m) : faster(m, mine),
    target,
    registry_cpu_ms_per_req: (key === "search_name_metric_tag_1"
      ? ours.native_search_name_metric_1
      : ours[key]
    )?.cpu_ms_per_req,
  };
});
const floorRows = [
  ["MLflow get-by-alias", ours.get_by_alias_1, ours.get_by_alias_8],
  ["native GET …/aliases/{alias}", ours.native_alias_1, ours.native_alias_8],
  ["resolve ?alias=", ours.resolve_1, ours.resolve_8],
  ["bare Worker (floor)", floor.get_by_alias_1, floor.get_by_alias_8],
].map(([path, one, eight]) => ({
  path,
  p50_ms: one.p50_ms,
  p50_vs_bare: round(one.p50_ms / floor.get_by_alias_1.p50_ms, 2),
  per_s_8_clients: eight.per_s,
  vs_mlflow_8_clients: round(eight.per_s / theirs.get_by_alias_8.per_s, 2),
  cpu_ms_per_req: eight.cpu_ms_per_req,
  cpu_vs_bare: round(eight.cpu_ms_per_req / floor.get_by_alias_8.cpu_ms_per_req, 1),
}));
const oneModel = {
  registrations_per_s: ours.create_one_model_64.per_s,
  bare_per_s_64_clients: floor.bare_64?.per_s,
  ratio: round(ours.create_one_model_64.per_s / (floor.bare_64?.per_s ?? Number.NaN), 3),
  mlflow_per_s: theirs.create_one_model_64?.per_s ?? theirs.create_one_model_64?.error,
  vs_mlflow: round(ours.create_one_model_64.per_s / (theirs.create_one_model_64?.per_s ?? Number.NaN), 2),
  target: ">= 0.5x bare",
};
const results = {
  generated_at: new Date().toISOString(),
  size: SIZE,
  note: "2-core machine shared with other work: compare only ratios within one run",
  side_by_side: rows,
  reads_vs_floor: floorRows,
  one_model_64_clients: oneModel,
  facade_vs_native: facade,
  raw: { mlflow: theirs, registry: ours, bare: floor },
};
if (args.out) writeFileSync(args.out, JSON.stringify(results, null, 2));
console.log(JSON.stringify(results, null, 2));
console.log();
console.log(
  markdownTable(rows, ["operation", "mlflow", "registry", "ratio", "target", "registry_cpu_ms_per_req"]),
);
console.log();
console.log(
  markdownTable(floorRows, [
    "path",
    "p50_ms",
    "p50_vs_bare",
    "per_s_8_clients",
    "vs_mlflow_8_clients",
    "cpu_ms_per_req",
    "cpu_vs_bare",
  ]),
);
console.log();
console.log(
  markdownTable(
    [oneModel],
    ["registrations_per_s", "bare_per_s_64_clients", "ratio", "mlflow_per_s", "vs_mlflow", "target"],
  ),
);
console.log();
console.log(
  markdownTable(facade, [
    "figure",
    "mlflow_p50_ms",
    "mlflow_p99_ms",
    "native_p50_ms",
    "native_p99_ms",
    "ratio_p50",
  ]),
);

/** `--only search`: the search rows alone, both columns and the ratio, with the machine's load. */
function printSearchOnly() {
  const rows = [
    ["name + tag, MLflow route", "search_name_tag_1", "search_name_tag_1"],
    ["name + tags.auc, MLflow route", "search_name_metric_tag_1", "search_name_metric_tag_1"],
    ["name + tag (ours: native /api/v1)", "search_name_tag_1", "native_search_name_tag_1"],
    ["name + metric* (ours: native metrics.auc)", "search_name_metric_tag_1", "native_search_name_metric_1"],
  ].map(([operation, theirsKey, oursKey]) => ({
    operation: `search versions at ${ours.total_versions}, ${operation}, p50 (ms)`,
    mlflow: theirs[theirsKey]?.p50_ms,
    registry: ours[oursKey]?.p50_ms,
    ratio: round(theirs[theirsKey]?.p50_ms / ours[oursKey]?.p50_ms, 2),
    target: ">= 5x",
    registry_cpu_ms_per_req: ours[oursKey]?.cpu_ms_per_req,
  }));
  const results = {
    generated_at: new Date().toISOString(),
    size: SIZE,
    load_average: { start: loadAtStart, end: loadavg() },
    note: "2-core machine shared with other work: compare only ratios within one run",
    side_by_side: rows,
    raw: { mlflow: theirs, registry: ours },
  };
  if (args.out) writeFileSync(args.out, JSON.stringify(results, null, 2));
  console.log(JSON.stringify(results, null, 2));
  console.log();
  console.log(
    markdownTable(rows, ["operation", "mlflow", "registry", "ratio", "target", "registry_cpu_ms_per_req"]),
  );
}
