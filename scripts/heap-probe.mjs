// `node scripts/heap-probe.mjs [--requests 3000] [--port 9341] [--out dir]` (issue 13): where the
// registry's memory goes under the soak's mixed load. Starts the server as the soak does, with the
// V8 inspector open, and at the start and the end of the load records per isolate the JS heap
// (Runtime.getHeapUsage, after a forced GC) beside workerd's RSS, and takes a heap snapshot of every
// inspector target. Prints the snapshots' self size by constructor, before → after, biggest growth
// first. A flat JS heap under a growing RSS means the growth is native (workerd, SQLite, D1/R2 sims).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { workerdPids } from "./bench/lib/measure.mjs";
import { startRegistry } from "./lib/registry-server.mjs";
import { ok, prepareSoakMix } from "./lib/soak-mix.mjs";

const { values: args } = parseArgs({
  options: {
    requests: { type: "string", default: "3000" },
    concurrency: { type: "string", default: "8" },
    port: { type: "string", default: "9341" },
    out: { type: "string" },
  },
});
const REQUESTS = Number(args.requests);
const CONCURRENCY = Number(args.concurrency);
const INSPECTOR = Number(args.port);
// Node 22 has a global WebSocket; on Node 20 use `ws`, which Miniflare already brings.
const WS = globalThis.WebSocket ?? (await import("ws")).WebSocket;
const OUT = args.out ?? mkdtempSync(join(tmpdir(), "heap-probe-"));
mkdirSync(OUT, { recursive: true });

function rssMiB() {
  let kib = 0;
  for (const pid of workerdPids()) {
    try {
      kib += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {}
  }
  return Math.round(kib / 102.4) / 10;
}

/** One DevTools protocol session over the target's WebSocket. */
async function session(wsUrl) {
  const ws = globalThis.WebSocket ? new WS(wsUrl) : new WS(wsUrl, { maxPayload: 2 ** 30 });
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let id = 0;
  const pending = new Map();
  const listeners = new Map();
  ws.onmessage = (event) => {
    const msg = JSON.parse(event.data);
    if (msg.id !== undefined) {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) p?.reject(new Error(JSON.stringify(msg.error)));
      else p?.resolve(msg.result);
    } else listeners.get(msg.method)?.(msg.params);
  };
  return {
    send(method, params = {}) {
      const msgId = ++id;
      ws.send(JSON.stringify({ id: msgId, method, params }));
      return new Promise((resolve, reject) => pending.set(msgId, { resolve, reject }));
    },
    on(method, fn) {
      listeners.set(method, fn);
    },
    close() {
      ws.close();
    },
  };
}

/** Forced GC, heap usage and a snapshot of every target; returns per-target figures. */
async function probe(label) {
  // Our isolate (the Worker and its Durable Objects: one script, one isolate) and the JS part of
  // Miniflare's D1 simulator; its other internal workers (R2's among them) did not answer.
  const targets = (await (await fetch(`http://127.0.0.1:${INSPECTOR}/json`)).json()).filter((t) =>
    ["core:user:edge-model-registry", "d1:db"].includes(t.id),
  );
  const out = [];
  for (const target of targets) {
    const s = await session(target.webSocketDebuggerUrl);
    try {
      await s.send("HeapProfiler.enable").catch(() => {});
      await s.send("HeapProfiler.collectGarbage").catch(() => {});
      const usage = await s.send("Runtime.getHeapUsage").catch((e) => ({ error: String(e) }));
      const chunks = [];
      s.on("HeapProfiler.addHeapSnapshotChunk", ({ chunk }) => chunks.push(chunk));
      await s.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
      const file = join(OUT, `${label}-${target.title.replace(/[^\w.-]+/g, "_")}.heapsnapshot`);
      const text = chunks.join("");
      writeFileSync(file, text);
      out.push({ target: target.title, usage, file, byName: byConstructor(JSON.parse(text)) });
    } finally {
      s.close();
    }
  }
  return { rss_mib: rssMiB(), targets: out };
}

/** Self size and count per (node type, name), from the snapshot's flat node array. */
function byConstructor(snapshot) {
  const { node_fields, node_types } = snapshot.snapshot.meta;
  const width = node_fields.length;
  const iType = node_fields.indexOf("type");
  const iName = node_fields.indexOf("name");
  const iSize = node_fields.indexOf("self_size");
  const types = node_types[iType];
  const groups = new Map();
  const { nodes, strings } = snapshot;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + iType]];
    // Strings and code are grouped by type alone: their "name" is their content.
    const name = ["string", "concatenated string", "sliced string", "code", "number", "hidden"].includes(type)
      ? `(${type})`
      : // Context names end in the object id ("… scope @36799"): without it they group.
        `${strings[nodes[i + iName]]}`.replace(/ @\d+$/, "").slice(0, 80);
    const key = `${type}:${name}`;
    const g = groups.get(key) ?? { count: 0, self: 0 };
    g.count++;
    g.self += nodes[i + iSize];
    groups.set(key, g);
  }
  return groups;
}

const registry = await startRegistry({
  port: 0,
  stateDir: mkdtempSync(join(tmpdir(), "heap-state-")),
  outDir: mkdtempSync(join(tmpdir(), "heap-dist-")),
  token: "heap-admin",
  crons: false,
  quiet: true,
  inspectorPort: INSPECTOR,
});
try {
  // The soak's data and mix (scripts/lib/soak-mix.mjs).
  const { mix, call, names, digest, headers } = await prepareSoakMix(registry.url, registry.token, "heap");
  const drive = async (from, count) => {
    let next = from;
    const end = from + count;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < end) await mix(next++);
      }),
    );
  };

  // Warm-up so that code, caches and lazily built state exist before the first snapshot.
  await drive(0, 500);
  // workerd's inspector answers only while its isolate runs something: a slow trickle of reads
  // (one that reaches D1 and R2 too) keeps every probed isolate answering during a probe.
  const pumping = async (fn) => {
    let on = true;
    const pump = (async () => {
      while (on) {
        await call("GET", `/api/v1/models/${names[0]}`).catch(() => {});
        await fetch(`${registry.url}/api/v1/blobs/${digest}`, { headers })
          .then(ok)
          .catch(() => {});
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    try {
      return await fn();
    } finally {
      on = false;
      await pump;
    }
  };
  const before = await pumping(() => probe("before"));
  const t0 = Date.now();
  await drive(500, REQUESTS);
  const seconds = (Date.now() - t0) / 1000;
  const after = await pumping(() => probe("after"));

  const report = {
    requests: REQUESTS,
    seconds,
    out: OUT,
    rss: { before: before.rss_mib, after: after.rss_mib },
  };
  console.log(JSON.stringify(report));
  for (const a of after.targets) {
    const b = before.targets.find((t) => t.target === a.target);
    console.log(`\n## ${a.target}`);
    console.log(`heap usage before ${JSON.stringify(b?.usage)} after ${JSON.stringify(a.usage)}`);
    const total = (m) => [...m.values()].reduce((s, g) => s + g.self, 0);
    console.log(
      `snapshot self total: ${(total(b.byName) / 2 ** 20).toFixed(2)} → ${(total(a.byName) / 2 ** 20).toFixed(2)} MiB`,
    );
    const rows = [...a.byName.entries()]
      .map(([key, g]) => {
        const p = b?.byName.get(key) ?? { count: 0, self: 0 };
        return {
          key,
          count_before: p.count,
          count_after: g.count,
          kib_before: p.self / 1024,
          kib_after: g.self / 1024,
        };
      })
      .sort((x, y) => y.kib_after - y.kib_before - (x.kib_after - x.kib_before))
      .slice(0, 25);
    console.log("| type:name | count before | count after | KiB before | KiB after |\n|---|---|---|---|---|");
    for (const r of rows)
      console.log(
        `| ${r.key.replace(/\|/g, "\\|")} | ${r.count_before} | ${r.count_after} | ${r.kib_before.toFixed(1)} | ${r.kib_after.toFixed(1)} |`,
      );
  }
} finally {
  await registry.stop();
}
