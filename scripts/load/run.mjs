// `npm run load [-- --clients 16 --seconds 30 --fault]`: N concurrent clients run a realistic mix
// (register, tag, alias moves, reads) against one real server for a bounded time, then an oracle
// checks the record: version numbers gap-free, every acknowledged write present, one audit entry per
// change, hash chains intact, no 5xx. `--fault` restarts the server mid-load (state kept on disk)
// and checks that nothing acknowledged was lost.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { progress } from "../bench/lib/measure.mjs";
import { startRegistry } from "../lib/registry-server.mjs";
import { checkOracle } from "./oracle.mjs";

const { values: args } = parseArgs({
  options: {
    clients: { type: "string", default: "16" },
    seconds: { type: "string", default: "20" },
    models: { type: "string", default: "4" },
    fault: { type: "boolean", default: false },
  },
});
const clients = Number(args.clients);
const seconds = Number(args.seconds);
const modelCount = Number(args.models);

const stateDir = mkdtempSync(join(tmpdir(), "load-state-"));
const outDir = mkdtempSync(join(tmpdir(), "load-dist-"));
const token = "load-admin";
const start = (build) =>
  startRegistry({ port: 0, stateDir, outDir, token, crons: false, quiet: true, build });
let server = await start(true);
let url = server.url;
let restarting = null;

/** What the clients were told succeeded: the oracle's expectations. */
const acked = {
  versions: new Map(),
  tags: [],
  aliases: new Map(),
  changes: new Map(),
  fiveHundreds: [],
  errors: 0,
};
const models = Array.from({ length: modelCount }, (_, i) => `load-${i}`);

async function call(method, path, body) {
  if (restarting) await restarting;
  return fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body && JSON.stringify(body),
  });
}

const countChange = (model) => acked.changes.set(model, (acked.changes.get(model) ?? 0) + 1);

for (const model of models) {
  const res = await call("POST", "/api/v1/models", { name: model });
  if (res.status !== 201) throw new Error(`setup: ${res.status} ${await res.text()}`);
  acked.versions.set(model, []);
  countChange(model);
}

/** One client: its own alias per model (so the oracle knows the last acknowledged move) and unique tag keys. */
async function client(id, deadline, bar) {
  let op = 0;
  while (Date.now() < deadline) {
    const model = models[(id + op) % models.length];
    const roll = Math.random();
    op++;
    try {
      let res;
      if (roll < 0.4) {
        res = await call("POST", `/api/v1/models/${model}/versions`, { metrics: { auc: Math.random() } });
        if (res.status === 201) {
          acked.versions.get(model).push((await res.json()).version);
          countChange(model);
        }
      } else if (roll < 0.55) {
        const key = `c${id}-op${op}`;
        res = await call("PUT", `/api/v1/models/${model}/tags/${key}`, { value: String(op) });
        if (res.status === 200) {
          acked.tags.push({ model, key, value: String(op) });
          countChange(model);
        }
      } else if (roll < 0.7) {
        const versions = acked.versions.get(model);
        if (versions.length === 0) continue;
        const version = versions[Math.floor(Math.random() * versions.length)];
        res = await call("PUT", `/api/v1/models/${model}/aliases/client${id}`, { version });
        if (res.status === 200) {
          acked.aliases.set(`${model}/client${id}`, version);
          countChange(model);
        }
      } else {
        res = await call(
          "GET",
          roll < 0.85 ? `/api/v1/models/${model}` : `/api/v1/models/${model}/versions?page_size=20`,
        );
      }
      if (res.status >= 500) acked.fiveHundreds.push(`${res.status} ${await res.text()}`);
      else await res.arrayBuffer().catch(() => undefined);
    } catch {
      acked.errors++; // connection refused/reset while the server restarts: not acknowledged, not counted
      await new Promise((r) => setTimeout(r, 100));
    }
    bar.update(Math.min(seconds, Math.round((Date.now() - (deadline - seconds * 1000)) / 1000)));
  }
}

const bar = progress(`load: ${clients} clients${args.fault ? " + restart" : ""}`, seconds);
const deadline = Date.now() + seconds * 1000;
const running = Promise.all(Array.from({ length: clients }, (_, i) => client(i, deadline, bar)));
if (args.fault) {
  await new Promise((r) => setTimeout(r, (seconds * 1000) / 2));
  restarting = (async () => {
    await server.stop();
    server = await start(false);
    url = server.url;
  })();
  await restarting;
  restarting = null;
}
await running;
bar.stop();

const verdict = await checkOracle({ url, token, models, acked, stateDir });
await server.stop();
console.log(
  JSON.stringify(
    { clients, seconds, fault: args.fault, ...verdict.figures, ok: verdict.ok, problems: verdict.problems },
    null,
    2,
  ),
);
process.exit(verdict.ok ? 0 : 1);
