// serve-sync NAME@ALIAS DIR — the reference serving node: the loop a real serving system copies.
//
//   every --interval seconds:
//     resolve NAME@ALIAS with If-None-Match      → 304: nothing moved (heartbeat now and then)
//     200: fetch the files not yet cached, each verified against its digest; a file stored in
//          chunks is assembled from the chunk cache, downloading only the chunks the node lacks
//          assemble the version in DIR/.tmp, measure its manifest digest from the bytes on disk,
//          rename it into DIR/versions/<hex>, then swap DIR/current with one rename(2)
//     report {node_id, environment, alias, version, manifest_digest, loaded_at, status, metrics?}
//
// The node id goes with every resolve, so during a progressive rollout of the alias the registry
// answers this node the canary or the stable version (a stable choice per node). With
// --metrics-file, each report carries the JSON object in that file (`{"error_rate":0.002}`): the
// serving system writes its health there, and rollout guards judge the canary by it.
//
// The manifest digest reported is measured from the files, so a corrupted or hand-edited tree
// shows up in the registry as `digest_mismatch`. Killed at any point, DIR/current still points at a
// complete version (see store.ts). SIGINT/SIGTERM stop it cleanly; --once runs one cycle (exit 1
// if it failed). Every version swapped in logs `bytes_downloaded` and `bytes_reused` (bytes taken
// from the node's file and chunk caches instead of the network).
//
// Environment: REGISTRY_URL, REGISTRY_TOKEN (a `serving` token is all it needs).
import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { parseArgs } from "node:util";
import { NodeStore } from "./store";
import { type DeploymentReport, type Resolution, SyncClient } from "./sync";

const USAGE = `usage: serve-sync NAME@ALIAS DIR [--url URL] [--token TOKEN] [--interval SECONDS]
       [--node-id ID] [--environment ENV] [--report-every SECONDS] [--metrics-file PATH] [--keep N] [--once]`;

const log = (event: string, fields: Record<string, unknown> = {}) =>
  process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), event, ...fields })}\n`);

function options(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: "string", default: process.env.REGISTRY_URL ?? "http://127.0.0.1:8787" },
      token: { type: "string", default: process.env.REGISTRY_TOKEN },
      interval: { type: "string", default: "5" },
      "node-id": { type: "string", default: hostname() },
      environment: { type: "string" },
      "report-every": { type: "string", default: "60" },
      "metrics-file": { type: "string" },
      keep: { type: "string", default: "2" },
      once: { type: "boolean", default: false },
    },
  });
  const [ref, dir] = positionals;
  const match = /^([A-Za-z0-9][A-Za-z0-9._-]{0,127})@([A-Za-z_][A-Za-z0-9_-]{0,63})$/.exec(ref ?? "");
  if (!match?.[1] || !match[2] || !dir || !values.token) {
    console.error(USAGE);
    process.exit(2);
  }
  return {
    name: match[1],
    alias: match[2],
    dir,
    url: values.url,
    token: values.token,
    intervalMs: Number(values.interval) * 1000,
    nodeId: values["node-id"],
    environment: values.environment ?? match[2],
    reportEveryMs: Number(values["report-every"]) * 1000,
    metricsFile: values["metrics-file"],
    keep: Math.max(1, Number(values.keep)),
    once: values.once,
  };
}

/** The health the serving system last wrote (a JSON object of numbers), or null without one. */
async function readMetrics(file: string | undefined): Promise<Record<string, number> | null> {
  if (!file) return null;
  try {
    const parsed = JSON.parse(await readFile(file, "utf8"));
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? parsed : null;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e?.code !== "ENOENT") log("metrics_unreadable", { file, message: e.message });
    return null;
  }
}

export async function main(argv: string[]): Promise<void> {
  const opts = options(argv);
  const stop = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      log("stopping", { signal });
      stop.abort();
    });
  }
  const registry = new SyncClient({ url: opts.url, token: opts.token, signal: stop.signal });
  const store = new NodeStore(opts.dir);
  await store.init();

  // What runs now, measured from disk (a restart never trusts memory or a previous run's claims).
  const installed = await store.current();
  let running: { version: number; digest: string | null; loadedAt: string } | null = installed
    ? {
        version: installed.manifest.version,
        digest: await store.measureCurrent(),
        loadedAt: new Date().toISOString(),
      }
    : null;
  let etag: string | null = null;
  let lastReport = 0;

  const report = async (status: DeploymentReport["status"]) => {
    if (!running?.digest) return;
    const metrics = await readMetrics(opts.metricsFile);
    const view = await registry.report(opts.name, {
      node_id: opts.nodeId,
      environment: opts.environment,
      alias: opts.alias,
      version: running.version,
      manifest_digest: running.digest,
      loaded_at: running.loadedAt,
      status,
      ...(metrics ? { metrics } : {}),
    });
    lastReport = Date.now();
    log("reported", {
      version: running.version,
      status,
      in_sync: view.in_sync,
      drift: view.drift,
      canary: view.rollout?.canary ?? null,
      ...(metrics ? { metrics } : {}),
    });
  };

  /** Fetches the missing files and installs; once more if the cache held bytes gone bad. */
  const fetchAndInstall = async (resolution: Resolution) => {
    const traffic = { bytes_downloaded: 0, bytes_reused: 0 };
    const chunks = new Set<string>();
    for (let attempt = 1; ; attempt++) {
      for (const file of resolution.files) {
        if (await store.hasBlob(file)) {
          traffic.bytes_reused += file.size;
          continue;
        }
        log("downloading", { path: file.path, digest: file.digest, size: file.size });
        await store.addBlob(file, async (dest) => {
          const used = await registry.fetchFile(file, dest, store.chunkCache);
          traffic.bytes_downloaded += used.downloaded;
          traffic.bytes_reused += used.reused;
          for (const c of used.chunks) chunks.add(c);
        });
      }
      try {
        const installed = await store.install({ ...resolution, chunks: [...chunks] });
        return { ...installed, ...traffic };
      } catch (error) {
        const dropped = (error as { dropped?: number }).dropped;
        if (attempt > 1 || !dropped) throw error;
        log("cache_repaired", { dropped });
      }
    }
  };

  const cycle = async () => {
    const answer = await registry.resolve(opts.name, opts.alias, running ? etag : null, opts.nodeId);
    if (answer === null) {
      log("not_modified", { etag });
      if (Date.now() - lastReport >= opts.reportEveryMs) await report("loaded");
      return;
    }
    const { resolution } = answer;
    log("resolved", { version: resolution.version, manifest_digest: resolution.manifest_digest });
    if (running?.digest !== resolution.manifest_digest) {
      const { dir, measured, bytes_downloaded, bytes_reused } = await fetchAndInstall(resolution);
      await store.swap(dir);
      running = { version: resolution.version, digest: measured, loadedAt: new Date().toISOString() };
      log("swapped", {
        version: resolution.version,
        manifest_digest: measured,
        bytes_downloaded,
        bytes_reused,
      });
      await store.prune(opts.keep);
    } else if (running.version !== resolution.version) {
      // The same bytes registered under another version number: nothing to load, only to report.
      running = { ...running, version: resolution.version };
    }
    etag = answer.etag;
    await report("loaded");
  };

  while (!stop.signal.aborted) {
    let ok = true;
    try {
      await cycle();
    } catch (error) {
      if (stop.signal.aborted) break;
      ok = false;
      log("error", { message: error instanceof Error ? error.message : String(error) });
      await report("failed").catch((e: Error) => log("error", { message: `report: ${e.message}` }));
    }
    if (opts.once) {
      process.exitCode = ok ? 0 : 1;
      break;
    }
    await new Promise<void>((done) => {
      const timer = setTimeout(done, opts.intervalMs);
      stop.signal.addEventListener("abort", () => {
        clearTimeout(timer);
        done();
      });
    });
  }
  await store.init(); // leave no temp files behind on a clean stop
  log("stopped");
}
