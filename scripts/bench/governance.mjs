// `node scripts/bench/governance.mjs [--quick]`: what governance costs, through the public HTTP API of
// the real server, each figure beside a baseline measured in the same run:
//  - a gated transition (None→Staging: policy read + gate evaluation + stage write + audit + event)
//    against a version tag write (the same ledger path: one DO call, one D1 batch with audit + event);
//  - a full promotion (approval request + the approval that promotes: 2 calls, 3 batches) against
//    two tag writes;
//  - audit verify (reads and re-hashes the whole chain) against GET /audit paging through the same
//    entries (the same rows read and serialised, without hashing).
// Prints JSON, then a Markdown table.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startRegistry } from "../lib/registry-server.mjs";
import { markdownTable, now, p50Row, percentile, progress, round } from "./lib/measure.mjs";

const { values: args } = parseArgs({ options: { quick: { type: "boolean", default: false } } });
const N = args.quick ? { ops: 60, chain: 300 } : { ops: 300, chain: 2000 };

const registry = await startRegistry({
  port: 0,
  stateDir: mkdtempSync(join(tmpdir(), "bench-gov-state-")),
  outDir: mkdtempSync(join(tmpdir(), "bench-gov-dist-")),
  token: "bench-admin",
  crons: false,
  quiet: true,
});
const call = async (method, path, body, token = "bench-admin", status = 200) => {
  const res = await fetch(`${registry.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body && JSON.stringify(body),
  });
  if (res.status !== status) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
};
const timed = async (samples, fn) => {
  const t = now();
  await fn();
  samples.push(now() - t);
};

const rows = [];
const row = (figure, samples, baseline, baselineIs) =>
  rows.push(p50Row(figure, samples, baseline, baselineIs));

try {
  const { token: approver } = await call(
    "POST",
    "/tokens",
    { name: "bench-approver", role: "approver" },
    undefined,
    201,
  );
  await call("POST", "/models", { name: "bench-gov" }, undefined, 201);
  await call("PUT", "/models/bench-gov/policy", {
    gates: [
      { metric: "auc", op: ">=", value: 0.9 },
      { metric: "auc", op: ">=", value: 0.8, slice: "segment=high_value" },
    ],
    require: ["signature", "dataset"],
  });
  const version = {
    metrics: { auc: 0.95 },
    slices: { "segment=high_value": { auc: 0.9 } },
    datasets: [{ uri: "s3://bench/data" }],
    signature: { inputs: [{ name: "x", type: "double" }] },
  };
  let bar = progress("register versions", N.ops);
  for (let i = 0; i < N.ops; i++) {
    await call("POST", "/models/bench-gov/versions", version, undefined, 201);
    bar.increment();
  }
  bar.stop();

  const tag = [];
  const gated = [];
  const promote = [];
  const twoTags = [];
  bar = progress("transitions vs tag writes", N.ops);
  for (let v = 1; v <= N.ops; v++) {
    await timed(tag, () => call("PUT", `/models/bench-gov/versions/${v}/tags/k`, { value: "x" }));
    await timed(gated, () => call("POST", `/models/bench-gov/versions/${v}/transitions`, { to: "Staging" }));
    await timed(twoTags, async () => {
      await call("PUT", `/models/bench-gov/versions/${v}/tags/a`, { value: "1" });
      await call("PUT", `/models/bench-gov/versions/${v}/tags/b`, { value: "2" });
    });
    await timed(promote, async () => {
      const req = await call("POST", `/models/bench-gov/versions/${v}/approval-requests`, {}, undefined, 201);
      await call("POST", `/approval-requests/${req.id}/approve`, {}, approver);
    });
    bar.increment();
  }
  bar.stop();
  row("None→Staging through 2 metric gates + 2 requirements", gated, tag, "version tag write");
  row("request + approval → Production (archives the previous)", promote, twoTags, "two tag writes");

  // Grow one chain to N.chain entries (tags are cheap audited changes), then verify vs list.
  await call("POST", "/models", { name: "bench-chain" }, undefined, 201);
  await call("POST", "/models/bench-chain/versions", {}, undefined, 201);
  bar = progress("grow audit chain", N.chain - 2);
  for (let i = 0; i < N.chain - 2; i++) {
    await call("PUT", "/models/bench-chain/versions/1/tags/t", { value: String(i) });
    bar.increment();
  }
  bar.stop();
  const verify = [];
  const list = [];
  let entries = 0;
  for (let i = 0; i < 10; i++) {
    await timed(verify, async () => {
      const verdict = await call("GET", "/models/bench-chain/audit/verify");
      if (!verdict.ok) throw new Error("chain does not verify");
      entries = verdict.entries;
    });
    await timed(list, async () => {
      let token = "";
      do {
        const page = await call(
          "GET",
          `/audit?model=bench-chain&page_size=1000${token && `&page_token=${token}`}`,
        );
        token = page.next_page_token ?? "";
      } while (token);
    });
  }
  row(`audit verify of ${entries} entries`, verify, list, "GET /audit of the same entries (pages of 1000)");
  rows.push({
    figure: "audit verify throughput",
    value: round(entries / (percentile(verify, 50) / 1000), 0),
    unit: "entries/s",
  });
} finally {
  await registry.stop();
}

console.log(JSON.stringify({ generated_at: new Date().toISOString(), quick: args.quick, rows }, null, 2));
console.log(
  `\n${markdownTable(rows, ["figure", "value", "unit", "p99", "baseline", "baseline_is", "ratio"])}\n`,
);
