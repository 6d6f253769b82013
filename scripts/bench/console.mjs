// `npm run bench:console [-- --iterations 200] [--out file.json]`
// The web console against its JSON twins, on the same server in the same run: the version page of
// a model with 10,000 versions next to GET /api/v1/models/{name}/versions/{v}, and the catalogue of
// 1,000 models next to GET /api/v1/models. Requests alternate page / twin so machine noise hits
// both alike; the figure that counts is the ratio (target: page p50 and p99 within 2x of the twin).
// Data is seeded straight into the local D1 file (scripts/bench/lib/search-seed.mjs).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { migrate, signInLink, startRegistry } from "../lib/registry-server.mjs";
import { markdownTable, now, progress, round, summary } from "./lib/measure.mjs";
import { BASE_TIME, d1File, seed } from "./lib/search-seed.mjs";

const { values: args } = parseArgs({
  options: { iterations: { type: "string", default: "200" }, out: { type: "string" } },
});
const ITERATIONS = Number(args.iterations);

// 1. One model with 10,000 versions (the search seed), plus 999 more models with a version each.
const stateDir = mkdtempSync(join(tmpdir(), "bench-console-state-"));
migrate(stateDir);
seed(stateDir, { versions: 10_000, models: 1 });
const { DatabaseSync } = await import("node:sqlite");
const db = new DatabaseSync(d1File(stateDir));
db.exec("begin");
const model = db.prepare(
  "insert into models (id, name, description, owner, last_version, created_at, updated_at) values (?, ?, ?, 'bench', 1, ?, ?)",
);
const tag = db.prepare("insert into model_tags (model_id, key, value) values (?, 'team', ?)");
const version =
  db.prepare(`insert into model_versions (id, model_id, version, description, stage, status, created_by,
  created_at, updated_at, needs_review, params, metrics, slices, datasets, provenance, files, manifest_digest, total_size)
  values (?, ?, 1, '', 'Production', 'READY', 'bench', ?, ?, 0, '{}', '{"auc":0.9}', '{}', '[]', '{}', '[]', ?, 0)`);
for (let i = 1; i < 1000; i++) {
  const id = `mdl_c${i}`;
  const t = BASE_TIME + i * 1000;
  model.run(id, `catalogue-${String(i).padStart(4, "0")}`, `Model number ${i} of the catalogue`, t, t);
  tag.run(id, ["risk", "growth", "ops", "fraud"][i % 4]);
  version.run(`ver_c${i}`, id, t, t, `sha256:${"0".repeat(64)}`);
}
db.exec("commit");
db.close();

const registry = await startRegistry({
  port: 0,
  stateDir,
  outDir: mkdtempSync(join(tmpdir(), "bench-console-dist-")),
  token: "bench-admin",
  crons: false,
  quiet: true,
});

// 2. A console session, signed in through the one-time link like a person would.
const link = new URL(await signInLink(registry));
const form = await fetch(link);
const loginCookie = form.headers.getSetCookie()[0]?.split(";")[0] ?? "";
const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? "";
const signIn = await fetch(`${registry.url}/login`, {
  method: "POST",
  redirect: "manual",
  headers: { origin: registry.url, cookie: loginCookie, "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams({ csrf, code: link.searchParams.get("code") ?? "", next: "/" }),
});
const session = signIn.headers
  .getSetCookie()
  .find((c) => c.startsWith("registry_session="))
  ?.split(";")[0];
if (!session) throw new Error(`sign-in failed: ${signIn.status}`);

const page = (path) => fetch(`${registry.url}${path}`, { headers: { cookie: session } });
const api = (path) => fetch(`${registry.url}${path}`, { headers: { authorization: "Bearer bench-admin" } });

const cases = [
  {
    name: "version page, model with 10,000 versions",
    page: () => page("/models/bench-m0000/versions/10000"),
    twin: () => api("/api/v1/models/bench-m0000/versions/10000"),
    twinLabel: "GET /api/v1/models/{name}/versions/{v}",
  },
  {
    name: "catalogue of 1,000 models (first page, 25 rows)",
    page: () => page("/?order_by=updated_at+DESC"),
    twin: () => api("/api/v1/models?order_by=updated_at%20DESC&page_size=25"),
    twinLabel: "GET /api/v1/models?page_size=25",
  },
];

const rows = [];
const results = [];
for (const c of cases) {
  for (let i = 0; i < 10; i++) {
    await (await c.page()).arrayBuffer();
    await (await c.twin()).arrayBuffer();
  }
  const pageMs = [];
  const twinMs = [];
  let bytes = 0;
  const bar = progress(c.name.slice(0, 34), ITERATIONS);
  for (let i = 0; i < ITERATIONS; i++) {
    let t = now();
    const p = await c.page();
    const body = await p.arrayBuffer();
    pageMs.push(now() - t);
    if (p.status !== 200) throw new Error(`${c.name}: ${p.status}`);
    bytes = body.byteLength;
    t = now();
    const j = await c.twin();
    await j.arrayBuffer();
    twinMs.push(now() - t);
    bar.increment();
  }
  bar.stop();
  const ps = summary(pageMs);
  const ts = summary(twinMs);
  const result = {
    case: c.name,
    page: ps,
    twin: { route: c.twinLabel, ...ts },
    page_bytes: bytes,
    ratio_p50: round(ps.p50_ms / ts.p50_ms, 2),
    ratio_p99: round(ps.p99_ms / ts.p99_ms, 2),
  };
  results.push(result);
  rows.push({
    case: c.name,
    "page p50 ms": ps.p50_ms,
    "page p99 ms": ps.p99_ms,
    "JSON twin": c.twinLabel,
    "twin p50 ms": ts.p50_ms,
    "twin p99 ms": ts.p99_ms,
    "p50 ratio": `${result.ratio_p50}x`,
    "p99 ratio": `${result.ratio_p99}x`,
  });
}
await registry.stop();

const report = { iterations: ITERATIONS, generated_at: new Date().toISOString(), results };
if (args.out) writeFileSync(args.out, JSON.stringify(report, null, 2));
console.log(JSON.stringify(report, null, 2));
console.log();
console.log(markdownTable(rows, Object.keys(rows[0])));
