// `node scripts/bench/serving.mjs [--quick]`: the serving side's figures over HTTP, each beside a
// baseline measured in the same run: a bare route (the HTTP floor) for resolve, and reports that
// open/close a drift episode (through the model's Durable Object, audited, with an event) for the
// heartbeat fast path. Prints JSON, then a Markdown table.
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startRegistry } from "../lib/registry-server.mjs";
import { markdownTable, now, pool, progress, round, summary } from "./lib/measure.mjs";

const { values: args } = parseArgs({ options: { quick: { type: "boolean", default: false } } });
const N = args.quick ? 200 : 2000;
const FILES = 50;

const registry = await startRegistry({
  port: 0,
  stateDir: mkdtempSync(join(tmpdir(), "bench-serving-state-")),
  outDir: mkdtempSync(join(tmpdir(), "bench-serving-dist-")),
  token: "bench-admin",
  crons: false,
  quiet: true,
});
const auth = { authorization: `Bearer ${registry.token}` };
const call = (method, path, body, extra = {}) =>
  fetch(`${registry.url}${path}`, {
    method,
    headers: { ...auth, ...(body ? { "content-type": "application/json" } : {}), ...extra },
    body: body && JSON.stringify(body),
  });
async function must(res, status) {
  if (res.status !== status) throw new Error(`${res.status} ${await res.text()}`);
  return res;
}
async function timed(label, total, concurrency, task) {
  const samples = [];
  const bar = progress(label, total);
  const t = now();
  await pool(
    total,
    concurrency,
    async (i) => {
      const t0 = now();
      await task(i);
      samples.push(now() - t0);
    },
    bar,
  );
  bar.stop();
  return { ...summary(samples), rate: total / ((now() - t) / 1000) };
}

const rows = [];
const row = (figure, value, unit, baseline, baselineIs) =>
  rows.push({
    figure,
    value: round(value),
    unit,
    baseline: round(baseline),
    baseline_is: baselineIs,
    ratio: round(value / baseline, 3),
  });

try {
  const name = "bench-serving";
  await must(await call("POST", "/api/v1/models", { name }), 201);
  const files = [];
  for (let i = 0; i < FILES; i++) {
    const bytes = randomBytes(256);
    const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
    await must(
      await fetch(`${registry.url}/api/v1/blobs/${digest}`, {
        method: "PUT",
        headers: { ...auth, "content-type": "application/octet-stream" },
        body: bytes,
      }),
      201,
    );
    files.push({ path: `shard-${String(i).padStart(3, "0")}.bin`, digest, size: bytes.length });
  }
  const version = await (
    await must(await call("POST", `/api/v1/models/${name}/versions`, { files }), 201)
  ).json();
  await must(await call("PUT", `/api/v1/models/${name}/aliases/champion`, { version: 1 }), 200);

  // Interleaved, one request of each kind per round, so a busy machine slows all of them alike.
  const resolvePath = `/api/v1/models/${name}/resolve?alias=champion`;
  const aliasPath = `/api/v1/models/${name}/aliases/champion`;
  const etag = (await must(await call("GET", resolvePath), 200)).headers.get("etag");
  const kinds = {
    floor: async () => void (await (await fetch(`${registry.url}/docs`)).arrayBuffer()),
    alias: async () => void (await (await must(await call("GET", aliasPath), 200)).arrayBuffer()),
    cold: async () => void (await (await must(await call("GET", resolvePath), 200)).arrayBuffer()),
    warm: async () =>
      void (await must(await call("GET", resolvePath, undefined, { "if-none-match": etag }), 304)),
  };
  const samples = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
  const bar = progress("resolve (interleaved)", N);
  for (let i = 0; i < N; i++) {
    for (const [kind, run] of Object.entries(kinds)) {
      const t0 = now();
      await run();
      samples[kind].push(now() - t0);
    }
    bar.increment();
  }
  bar.stop();
  const [floor, alias, cold, warm] = ["floor", "alias", "cold", "warm"].map((k) => summary(samples[k]));
  row(`resolve p50, 200 with a ${FILES}-file manifest`, cold.p50_ms, "ms", floor.p50_ms, "bare route p50");
  row(
    `resolve p50, 200 with a ${FILES}-file manifest`,
    cold.p50_ms,
    "ms",
    alias.p50_ms,
    "GET alias (version object) p50",
  );
  row("resolve p50, 304 (poll, pointer unchanged)", warm.p50_ms, "ms", floor.p50_ms, "bare route p50");
  row("resolve p99, 304", warm.p99_ms, "ms", floor.p99_ms, "bare route p99");

  // Progressive rollouts (issue 18): resolve with a node id during a rollout (bucket hash + the
  // active rollout in the same query) against a plain resolve of the same alias, interleaved.
  const rolled = "bench-rollout";
  await must(await call("POST", "/api/v1/models", { name: rolled }), 201);
  for (let v = 1; v <= 2; v++) {
    await must(await call("POST", `/api/v1/models/${rolled}/versions`, { files: files.slice(v - 1) }), 201);
  }
  await must(await call("PUT", `/api/v1/models/${rolled}/aliases/champion`, { version: 1 }), 200);
  await must(
    await call("POST", `/api/v1/models/${rolled}/rollouts`, { alias: "champion", version: 2, weight: 50 }),
    201,
  );
  const plainPath = `/api/v1/models/${rolled}/resolve?alias=champion`;
  const nodePath = (i) => `${plainPath}&node_id=edge-${i % 100}`;
  const plainEtag = (await must(await call("GET", plainPath), 200)).headers.get("etag");
  const nodeEtags = [];
  for (let i = 0; i < 100; i++)
    nodeEtags.push((await must(await call("GET", nodePath(i)), 200)).headers.get("etag"));
  const rolloutKinds = {
    plain: async () => void (await (await must(await call("GET", plainPath), 200)).arrayBuffer()),
    node: async (i) => void (await (await must(await call("GET", nodePath(i)), 200)).arrayBuffer()),
    plain304: async () =>
      void (await must(await call("GET", plainPath, undefined, { "if-none-match": plainEtag }), 304)),
    node304: async (i) =>
      void (await must(
        await call("GET", nodePath(i), undefined, { "if-none-match": nodeEtags[i % 100] }),
        304,
      )),
  };
  const rs = Object.fromEntries(Object.keys(rolloutKinds).map((k) => [k, []]));
  const rbar = progress("resolve during a rollout (interleaved)", N);
  // The order rotates each round, so no kind always follows the same one (a position effect was
  // larger than the difference measured in the first runs).
  const order = Object.entries(rolloutKinds);
  for (let i = 0; i < N; i++) {
    for (let k = 0; k < order.length; k++) {
      const [kind, run] = order[(i + k) % order.length];
      const t0 = now();
      await run(i);
      rs[kind].push(now() - t0);
    }
    rbar.increment();
  }
  rbar.stop();
  const [plain, byNode, plain304, byNode304] = ["plain", "node", "plain304", "node304"].map((k) =>
    summary(rs[k]),
  );
  row(
    "resolve p50 with node_id during a 50% rollout, 200",
    byNode.p50_ms,
    "ms",
    plain.p50_ms,
    "plain resolve p50, 200",
  );
  row(
    "resolve p50 with node_id during a 50% rollout, 304",
    byNode304.p50_ms,
    "ms",
    plain304.p50_ms,
    "plain resolve p50, 304",
  );
  row(
    "resolve p99 with node_id during a 50% rollout, 200",
    byNode.p99_ms,
    "ms",
    plain.p99_ms,
    "plain resolve p99, 200",
  );

  const report = (node, digest) =>
    call("POST", `/api/v1/models/${name}/deployments`, {
      node_id: node,
      environment: "production",
      alias: "champion",
      version: 1,
      manifest_digest: digest,
      loaded_at: new Date().toISOString(),
      status: "loaded",
    });
  const wrong = `sha256:${"e".repeat(64)}`;
  const nodes = 64;
  // Alternating rounds of each, so load from elsewhere hits both alike.
  const rounds = 4;
  const heartbeatRuns = [];
  const edgeRuns = [];
  for (let r = 0; r < rounds; r++) {
    heartbeatRuns.push(
      await timed("heartbeats c=64", N / rounds, nodes, async (i) =>
        must(await report(`n${i % nodes}`, version.manifest_digest), 200),
      ),
    );
    // Every report flips its node between drift and in sync: each is an episode edge through the ledger.
    edgeRuns.push(
      await timed("drift edges c=64", N / rounds, nodes, async (i) =>
        must(
          await report(
            `e${i % nodes}`,
            (Math.floor(i / nodes) + r) % 2 === 0 ? wrong : version.manifest_digest,
          ),
          200,
        ),
      ),
    );
  }
  const mean = (runs, key) => runs.reduce((t, x) => t + x[key], 0) / runs.length;
  const heartbeats = { rate: mean(heartbeatRuns, "rate"), p50_ms: mean(heartbeatRuns, "p50_ms") };
  const edges = { rate: mean(edgeRuns, "rate"), p50_ms: mean(edgeRuns, "p50_ms") };
  row(
    "deployment reports/s, heartbeats, 64 nodes",
    heartbeats.rate,
    "reports/s",
    edges.rate,
    "drift-edge reports/s (via ledger)",
  );
  row("deployment report p50, heartbeat", heartbeats.p50_ms, "ms", edges.p50_ms, "drift-edge report p50");
} finally {
  await registry.stop();
}
const table = markdownTable(rows, ["figure", "value", "unit", "baseline", "baseline_is", "ratio"]);
console.log(JSON.stringify({ generated_at: new Date().toISOString(), quick: args.quick, rows }, null, 2));
console.log(`\n${table}\n`);
