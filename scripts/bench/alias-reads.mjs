// `node scripts/bench/alias-reads.mjs [--reads 2000] [--rounds 10] [--profile native|mlflow|resolve|set-alias|register-one|search]`
// (issue 13): the three polled alias reads against a bare Worker, in ONE run on the same host.
// A bare Worker and the registry are both up; a Node keep-alive client (one socket, one request at
// a time) reads each path in turn, in interleaved rounds so that load drift on a shared machine
// hits every path alike. Prints p50/p99 per path, the ratio to the bare route's p50, and workerd
// CPU per request (utime+stime of the serving workerd process from /proc, before/after each round).
// With --profile PATH it also takes a V8 CPU profile of every workerd isolate (the registry started
// with its inspector open) while PATH is read, and prints self time by function, biggest first;
// `--profile set-alias` profiles alias moves instead (MLflow's POST, 8 models, versions 1 and 2 in
// turn), the write the MLflow side-by-side bench finds slowest; `--profile register-one`
// registrations on one model from 16 clients (group commit's case); `--profile search` a name + metric
// search over a model of 500 versions (5 match), its slowest search.
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startRegistry } from "../lib/registry-server.mjs";
import { startBareWorker } from "./lib/bare-worker.mjs";
import { markdownTable, percentile, round, workerdPids } from "./lib/measure.mjs";

const { values: args } = parseArgs({
  options: {
    reads: { type: "string", default: "2000" },
    rounds: { type: "string", default: "10" },
    profile: { type: "string" },
    "inspector-port": { type: "string", default: "9342" },
  },
});
const READS = Number(args.reads);
const ROUNDS = Number(args.rounds);
const log = (...m) => console.error(...m);

const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux
function cpuMs(pids) {
  let ticks = 0;
  for (const pid of pids) {
    try {
      // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(rest[11]) + Number(rest[12]);
    } catch {}
  }
  return ticks * TICK_MS;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function get(url, headers) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers }, (res) => {
      res.on("data", () => {});
      res.on("end", () =>
        res.statusCode < 400 ? resolve(res) : reject(new Error(`${url}: ${res.statusCode}`)),
      );
    });
    req.on("error", reject);
  });
}

const before = new Set(workerdPids());
const bare = await startBareWorker();
const barePids = workerdPids().filter((p) => !before.has(p));
const registry = await startRegistry({
  port: 0,
  stateDir: mkdtempSync(join(tmpdir(), "alias-reads-state-")),
  outDir: mkdtempSync(join(tmpdir(), "alias-reads-dist-")),
  token: "alias-reads-admin",
  crons: false,
  quiet: true,
  ...(args.profile ? { inspectorPort: Number(args["inspector-port"]) } : {}),
});
const registryPids = workerdPids().filter((p) => !before.has(p) && !barePids.includes(p));

try {
  // Data: an ordinary admin token (not the bootstrap secret), 8 models of one version with `champion`.
  const url = registry.url;
  const admin = { authorization: `Bearer ${registry.token}`, "content-type": "application/json" };
  const { token } = await (
    await fetch(`${url}/api/v1/tokens`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ name: "reads", role: "admin" }),
    })
  ).json();
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const call = async (method, path, body) => {
    const res = await fetch(`${url}${path}`, { method, headers, body: body && JSON.stringify(body) });
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res;
  };
  const blob = randomBytes(1024);
  const digest = `sha256:${createHash("sha256").update(blob).digest("hex")}`;
  await fetch(`${url}/api/v1/blobs/${digest}`, {
    method: "PUT",
    headers: { authorization: headers.authorization, "content-type": "application/octet-stream" },
    body: blob,
  });
  const names = Array.from({ length: 8 }, (_, i) => `reads-${i}`);
  for (const name of names) {
    await call("POST", "/api/v1/models", { name });
    await call("POST", `/api/v1/models/${name}/versions`, {
      files: [{ path: "model.bin", digest, size: blob.length }],
    });
    await call("POST", `/api/v1/models/${name}/versions`, {
      files: [{ path: "model.bin", digest, size: blob.length }],
    });
    await call("PUT", `/api/v1/models/${name}/aliases/champion`, { version: 1 });
  }

  const auth = { authorization: headers.authorization };
  const paths = {
    bare: { base: bare.url, pids: barePids, path: () => "/", headers: {} },
    mlflow: {
      base: url,
      pids: registryPids,
      path: (i) => `/api/2.0/mlflow/registered-models/alias?name=${names[i % names.length]}&alias=champion`,
      headers: auth,
    },
    native: {
      base: url,
      pids: registryPids,
      path: (i) => `/api/v1/models/${names[i % names.length]}/aliases/champion`,
      headers: auth,
    },
    resolve: {
      base: url,
      pids: registryPids,
      path: (i) => `/api/v1/models/${names[i % names.length]}/resolve?alias=champion`,
      headers: auth,
    },
  };
  // Warm-up: code compiled, caches filled, sockets open.
  for (const p of Object.values(paths))
    for (let i = 0; i < 200; i++) await get(`${p.base}${p.path(i)}`, p.headers);

  let profiler;
  // The search profile starts after its own seeding.
  if (args.profile && args.profile !== "search")
    profiler = await startProfiles(Number(args["inspector-port"]));
  if (args.profile === "set-alias") {
    const started = Date.now();
    for (let i = 0; i < READS; i++) {
      await call("POST", "/api/2.0/mlflow/registered-models/alias", {
        name: names[i % names.length],
        alias: "champion",
        version: String(1 + (Math.floor(i / names.length) % 2)),
      });
    }
    log(`${READS} alias moves in ${Date.now() - started} ms`);
    await profiler.stop();
  } else if (args.profile === "register-one") {
    // Registrations on ONE model from 16 clients at once (group commit's case, bench:mlflow's
    // "one model, many clients"), through MLflow's create.
    const hot = "reads-hot";
    await call("POST", "/api/v1/models", { name: hot });
    const started = Date.now();
    let next = 0;
    const client = async () => {
      while (next < READS) {
        next++;
        await call("POST", "/api/2.0/mlflow/model-versions/create", { name: hot, source: "s3://b/m" });
      }
    };
    await Promise.all(Array.from({ length: 16 }, client));
    log(`${READS} registrations on one model (16 clients) in ${Date.now() - started} ms`);
    await profiler.stop();
  } else if (args.profile === "search") {
    // The selective search bench:mlflow finds slowest against MLflow: name + metric over a model of
    // 500 versions, 5 of which match (the profile starts after seeding).
    const seeded = "reads-search";
    await call("POST", "/api/v1/models", { name: seeded });
    for (let k = 0; k < 500; k += 25) {
      await Promise.all(
        Array.from({ length: 25 }, (_, j) =>
          call("POST", `/api/v1/models/${seeded}/versions`, {
            tags: { parity: (k + j) % 2 === 0 ? "even" : "odd" },
            metrics: { auc: ((k + j) % 100) / 100 },
          }),
        ),
      );
    }
    const filter = encodeURIComponent(`name = '${seeded}' AND metrics.auc = 0.42`);
    const path = `/api/v1/model-versions?filter=${filter}`;
    for (let i = 0; i < 100; i++) await get(`${url}${path}`, auth);
    const searching = await startProfiles(Number(args["inspector-port"]));
    const started = Date.now();
    for (let i = 0; i < READS; i++) await get(`${url}${path}`, auth);
    log(`${READS} searches in ${Date.now() - started} ms`);
    await searching.stop();
  } else if (args.profile) {
    const p = paths[args.profile];
    for (let i = 0; i < READS; i++) await get(`${p.base}${p.path(i)}`, p.headers);
    await profiler.stop();
  }

  const results = Object.fromEntries(Object.keys(paths).map((k) => [k, { samples: [], cpu: 0, n: 0 }]));
  const order = Object.keys(paths);
  const perRound = Math.ceil(READS / ROUNDS);
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < order.length; k++) {
      const key = order[(r + k) % order.length];
      const p = paths[key];
      const acc = results[key];
      const cpu0 = cpuMs(p.pids);
      for (let i = 0; i < perRound; i++) {
        const t0 = performance.now();
        await get(`${p.base}${p.path(i)}`, p.headers);
        acc.samples.push(performance.now() - t0);
      }
      acc.cpu += cpuMs(p.pids) - cpu0;
      acc.n += perRound;
    }
  }
  const floor = percentile(results.bare.samples, 50);
  const floorCpu = results.bare.cpu / results.bare.n;
  const rows = Object.entries(results).map(([path, acc]) => {
    const p50 = percentile(acc.samples, 50);
    const cpu = acc.cpu / acc.n;
    return {
      path,
      reads: acc.n,
      p50_ms: round(p50),
      p99_ms: round(percentile(acc.samples, 99)),
      p50_vs_bare: round(p50 / floor, 2),
      cpu_ms_per_req: round(cpu),
      cpu_vs_bare: round(cpu / floorCpu, 2),
    };
  });
  const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  console.log(JSON.stringify({ load, rows }));
  console.log(`\nload average ${load}\n`);
  console.log(
    markdownTable(rows, [
      "path",
      "reads",
      "p50_ms",
      "p99_ms",
      "p50_vs_bare",
      "cpu_ms_per_req",
      "cpu_vs_bare",
    ]),
  );
} finally {
  await registry.stop();
  await bare.stop();
}

/** A V8 CPU profile of every inspector target; `stop()` prints self time per function per target. */
async function startProfiles(port) {
  const WS = globalThis.WebSocket ?? (await import("ws")).WebSocket;
  const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
  const sessions = [];
  for (const target of targets) {
    // Miniflare's Node-side bindings (e.g. `core:custom-fetch:0:#ASSETS`) list a target that takes
    // no connection: skip what does not open.
    const ws = new WS(target.webSocketDebuggerUrl.replaceAll("#", "%23"));
    const opened = await new Promise((resolve) => {
      ws.onopen = () => resolve(true);
      ws.onerror = () => resolve(false);
    });
    if (!opened) continue;
    let id = 0;
    const pending = new Map();
    ws.onmessage = (event) => {
      const msg = JSON.parse(typeof event.data === "string" ? event.data : event.data.toString());
      if (msg.id !== undefined) pending.get(msg.id)?.(msg.result);
    };
    const send = (method, params = {}) =>
      new Promise((resolve) => {
        const msgId = ++id;
        pending.set(msgId, resolve);
        ws.send(JSON.stringify({ id: msgId, method, params }));
      });
    // Idle isolates never answer: do not wait for them.
    send("Profiler.enable");
    send("Profiler.setSamplingInterval", { interval: 100 });
    send("Profiler.start");
    sessions.push({ target, ws, send });
  }
  return {
    async stop() {
      for (const s of sessions) {
        const result = await Promise.race([s.send("Profiler.stop"), new Promise((r) => setTimeout(r, 3000))]);
        s.ws.close();
        if (!result?.profile) continue;
        const { nodes, samples, timeDeltas } = result.profile;
        const byId = new Map(nodes.map((n) => [n.id, n]));
        const self = new Map();
        let total = 0;
        samples.forEach((id, i) => {
          const n = byId.get(id);
          const f = n.callFrame;
          const key = `${f.functionName || "(anon)"} ${f.url.split("/").at(-1)}:${f.lineNumber + 1}`;
          const dt = timeDeltas[i] ?? 0;
          self.set(key, (self.get(key) ?? 0) + dt);
          if (f.functionName !== "(idle)" && f.functionName !== "(program)") total += dt;
        });
        if (total < 1000) continue;
        log(`\n## ${s.target.id}: ${round(total / 1000)} ms busy`);
        for (const [key, us] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
          log(`${String(round(us / 1000, 1)).padStart(8)} ms  ${key}`);
        }
      }
    },
  };
}
