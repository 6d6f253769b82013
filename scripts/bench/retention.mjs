// `node scripts/bench/retention.mjs [--quick]`: what a retention run costs, through the public HTTP
// API of the real server, each figure beside a baseline measured in the same run:
//  - a dry run over one model's N versions (plan only: facts query + planner + blob listing + GC
//    plan) against listing the same N versions (GET …/versions?page_size=N: the same rows read);
//  - each archive/purge of a real run (one DO call that re-plans the model on fresh state, one
//    D1 batch with audit + event) against a version tag write (the same ledger path, no re-plan).
// The re-plan is O(versions) per action, so the per-action ratio is shown at two model sizes.
// Prints JSON, then a Markdown table.
import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startRegistry } from "../lib/registry-server.mjs";
import { markdownTable, now, p50Row, percentile, progress, round } from "./lib/measure.mjs";

const { values: args } = parseArgs({ options: { quick: { type: "boolean", default: false } } });
const SIZES = args.quick ? [50, 200] : [100, 800];

const registry = await startRegistry({
  port: 0,
  stateDir: mkdtempSync(join(tmpdir(), "bench-ret-state-")),
  outDir: mkdtempSync(join(tmpdir(), "bench-ret-dist-")),
  token: "bench-admin",
  crons: false,
  quiet: true,
});
const auth = { authorization: "Bearer bench-admin" };
const call = async (method, path, body, status = 200) => {
  const res = await fetch(`${registry.url}/api/v1${path}`, {
    method,
    headers: { ...auth, "content-type": "application/json" },
    body: body && JSON.stringify(body),
  });
  if (res.status !== status) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
};
const timed = async (samples, fn) => {
  const t = now();
  const out = await fn();
  samples.push(now() - t);
  return out;
};

async function putBlob(i) {
  const bytes = Buffer.from(`bench-retention-blob-${i}-${"x".repeat(1000)}`);
  const hex = createHash("sha256").update(bytes).digest("hex");
  const res = await fetch(`${registry.url}/api/v1/blobs/sha256:${hex}`, {
    method: "PUT",
    headers: { ...auth, "content-type": "application/octet-stream" },
    body: bytes,
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`blob: ${res.status}`);
  return { digest: `sha256:${hex}`, size: bytes.length };
}

const rows = [];
const row = (figure, samples, baseline, baselineIs) =>
  rows.push(p50Row(figure, samples, baseline, baselineIs));

try {
  let blobNo = 0;
  for (const n of SIZES) {
    const name = `bench-ret-${n}`;
    await call("POST", "/models", { name }, 201);
    const bar = progress(`register ${n} versions`, n);
    for (let i = 0; i < n; i++) {
      const blob = await putBlob(blobNo++);
      const files = [{ path: "model.bin", ...blob, media_type: "application/octet-stream" }];
      await call("POST", `/models/${name}/versions`, { files }, 201);
      bar.increment();
    }
    bar.stop();
    const tags = [];
    for (let v = 1; v <= 30; v++)
      await timed(tags, () => call("PUT", `/models/${name}/versions/${v}/tags/t`, { value: "x" }));
    await call("PUT", `/models/${name}/retention`, {
      keep_last: 1,
      archive_after_days: 0,
      purge_after_days: 0,
      keep_tags: [],
    });
    const dry = [];
    const list = [];
    for (let i = 0; i < 7; i++) {
      await timed(dry, () => call("POST", "/admin/retention/run?dry_run=true"));
      await timed(list, () => call("GET", `/models/${name}/versions?page_size=${n}`));
    }
    row(`dry run, model with ${n} versions`, dry, list, `GET ${n} versions`);
    const started = now();
    const run = await call("POST", "/admin/retention/run");
    const total = now() - started;
    // Counts, not the action list: a summary keeps at most 1000 entries. Earlier models are done.
    const actions = run.archived + run.purged;
    if (actions !== 2 * (n - 1)) throw new Error(`expected ${2 * (n - 1)} actions, got ${actions}`);
    const perAction = total / actions;
    const base = percentile(tags, 50);
    rows.push({
      figure: `real run, ${actions} archive/purge actions on ${n} versions`,
      value: round(perAction),
      unit: "ms per action",
      p99: "",
      baseline: round(base),
      baseline_is: "version tag write (same ledger path)",
      ratio: round(perAction / base, 2),
    });
    // Every model of the previous sizes is fully processed; leave it out of the next dry runs.
    await call("PUT", `/models/${name}/retention`, { keep_last: 10 });
  }
} finally {
  await registry.stop();
}

console.log(JSON.stringify({ generated_at: new Date().toISOString(), quick: args.quick, rows }, null, 2));
console.log(
  `\n${markdownTable(rows, ["figure", "value", "unit", "p99", "baseline", "baseline_is", "ratio"])}\n`,
);
