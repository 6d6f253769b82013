// `node scripts/bench/webhooks.mjs [--quick]`: how long a change takes to reach webhook receivers,
// through the real server (npm start's Miniflare: real D1, DOs, Queues) and a real receiver on
// 127.0.0.1, each figure beside a baseline measured in the same run:
//  - change → receipt of its event (ledger commit with outbox row, registry-events fan-out,
//    registry-deliveries, signed POST) against the write's own round trip;
//  - fan-out to 10 subscriptions (until the last receipt) against fan-out to 1;
//  - the signed POST alone, as the delivery log records it (latency_ms), against the write.
// Locally each queue stage waits up to max_batch_timeout (1 s) to fill a batch; that dominates.
// Prints JSON, then a Markdown table.
import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startRegistry } from "../lib/registry-server.mjs";
import { markdownTable, now, percentile, progress, round } from "./lib/measure.mjs";

const { values: args } = parseArgs({ options: { quick: { type: "boolean", default: false } } });
const N = args.quick ? 10 : 40;

/** First arrival time per `${path} ${model} ${sequence}`. */
const arrivals = new Map();
const receiver = createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    const at = now();
    const event = JSON.parse(body);
    const key = `${req.url} ${event.model} ${event.sequence}`;
    if (!arrivals.has(key)) arrivals.set(key, at);
    res.writeHead(204).end();
  });
});
await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
const hookBase = `http://127.0.0.1:${receiver.address().port}`;

const registry = await startRegistry({
  port: 0,
  stateDir: mkdtempSync(join(tmpdir(), "bench-hooks-state-")),
  outDir: mkdtempSync(join(tmpdir(), "bench-hooks-dist-")),
  token: "bench-admin",
  crons: false,
  quiet: true,
});
const call = async (method, path, body, status = 200) => {
  const res = await fetch(`${registry.url}/api/v1${path}`, {
    method,
    headers: { authorization: "Bearer bench-admin", "content-type": "application/json" },
    body: body && JSON.stringify(body),
  });
  if (res.status !== status) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
};
const until = async (done, ms = 30_000) => {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for deliveries");
    await new Promise((r) => setTimeout(r, 2));
  }
};

/** N tag writes, one at a time; each waits until every subscription received its event. */
async function run(width, bar) {
  const model = `bench-hooks-${width}`;
  await call("POST", "/models", { name: model }, 201);
  const paths = [];
  const ids = [];
  for (let s = 0; s < width; s++) {
    paths.push(`/hooks/${width}-${s}`);
    const hook = await call(
      "POST",
      "/webhooks",
      { url: `${hookBase}${paths[s]}`, events: ["*"], model_pattern: model },
      201,
    );
    ids.push(hook.id);
  }
  const arrived = (seq) => paths.map((p) => arrivals.get(`${p} ${model} ${seq}`));
  await until(() => arrived(1).every((t) => t !== undefined)); // model.created: start idle
  const writes = [];
  const receipts = [];
  for (let i = 0; i < N; i++) {
    const t = now();
    await call("PUT", `/models/${model}/tags/t`, { value: String(i) });
    writes.push(now() - t);
    await until(() => arrived(i + 2).every((x) => x !== undefined));
    receipts.push(Math.max(...arrived(i + 2)) - t);
    bar.increment();
  }
  const log = await call("GET", `/webhooks/${ids[0]}/deliveries?page_size=1000`);
  return { writes, receipts, posts: log.items.map((d) => d.latency_ms).filter((x) => x !== null) };
}

const rows = [];
const row = (figure, samples, base, baseIs) =>
  rows.push({
    figure,
    value: round(percentile(samples, 50), 1),
    unit: "ms p50",
    p99: round(percentile(samples, 99), 1),
    baseline: round(percentile(base, 50), 1),
    baseline_is: baseIs,
    ratio: round(percentile(samples, 50) / percentile(base, 50), 2),
  });

try {
  const bar = progress("changes → receivers", 2 * N);
  const one = await run(1, bar);
  const ten = await run(10, bar);
  bar.stop();
  row("change → receipt (1 subscription)", one.receipts, one.writes, "the write's round trip");
  row("change → last receipt (10 subscriptions)", ten.receipts, one.receipts, "1 subscription");
  row("signed POST (delivery log latency_ms)", one.posts, one.writes, "the write's round trip");
} finally {
  await registry.stop();
  receiver.close();
}

console.log(
  JSON.stringify({ generated_at: new Date().toISOString(), quick: args.quick, n: N, rows }, null, 2),
);
console.log(
  `\n${markdownTable(rows, ["figure", "value", "unit", "p99", "baseline", "baseline_is", "ratio"])}\n`,
);
