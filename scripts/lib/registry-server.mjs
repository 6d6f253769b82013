// Starts the registry the way `npm start` does: build, migrate, serve the built Worker on
// Miniflare/workerd with state on disk, and fire the cron triggers on schedule.
// Shared by scripts/start.mjs, the benchmarks, the load harness and the end-to-end tests.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Cron } from "croner";
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { staticAssets } from "./static-assets.mjs";

export const ROOT = resolve(import.meta.dirname, "..", "..");
const WRANGLER = join(ROOT, "node_modules", ".bin", "wrangler");

function run(args, env = {}) {
  execFileSync(WRANGLER, args, {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
    env: {
      ...process.env,
      // node_modules/.bin first, so wrangler runs on the project's Node 22 even outside npm scripts.
      PATH: `${join(ROOT, "node_modules", ".bin")}:${process.env.PATH ?? ""}`,
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      WRANGLER_SEND_METRICS: "false",
      ...env,
    },
  });
}

/** Reads ADMIN_TOKEN from the environment or .dev.vars; generates and saves one the first time. */
export function adminToken() {
  if (process.env.ADMIN_TOKEN) return process.env.ADMIN_TOKEN;
  const file = join(ROOT, ".dev.vars");
  const existing = existsSync(file)
    ? /^ADMIN_TOKEN=(.+)$/m.exec(readFileSync(file, "utf8"))?.[1]?.trim()
    : undefined;
  if (existing) return existing;
  const token = `mrt_admin_${randomBytes(24).toString("base64url")}`;
  writeFileSync(file, `${existsSync(file) ? readFileSync(file, "utf8") : ""}ADMIN_TOKEN=${token}\n`, {
    mode: 0o600,
  });
  return token;
}

/** Bundles src/ into dist/ with wrangler (the same bundle `wrangler deploy` uploads). */
export function build(outDir = join(ROOT, "dist")) {
  execFileSync(process.execPath, [join(ROOT, "scripts", "copy-docs-assets.mjs")], { cwd: ROOT });
  run(["deploy", "--dry-run", "--outdir", outDir]);
}

export function migrate(stateDir) {
  run(["d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir], { CI: "true" });
}

/**
 * @param {{ port?: number, stateDir?: string, outDir?: string, token?: string, build?: boolean, crons?: boolean, quiet?: boolean, logRequests?: boolean, inspectorPort?: number }} options
 *   port 0 picks a free port; outDir (default dist/) lets parallel runs build without clobbering each other.
 *   inspectorPort (or REGISTRY_INSPECTOR_PORT, issue 13) opens the V8 inspector of the workerd
 *   isolates on 127.0.0.1 (targets at /json); off by default, it is for heap snapshots only.
 */
export async function startRegistry(options = {}) {
  const port = options.port ?? Number(process.env.PORT ?? 8787);
  const stateDir = resolve(ROOT, options.stateDir ?? process.env.REGISTRY_STATE_DIR ?? ".wrangler/state");
  const token = options.token ?? adminToken();
  const outDir = resolve(ROOT, options.outDir ?? "dist");
  const inspectorPort = options.inspectorPort ?? Number(process.env.REGISTRY_INSPECTOR_PORT ?? 0);
  if (options.build !== false) build(outDir);
  migrate(stateDir);

  // wrangler.toml → Miniflare options (bindings, DOs, queues, assets, crons). The bundle in dist/
  // is one self-contained module, so wrangler's module rules do not apply to it.
  const { modulesRules: _rules, ...workerOptions } = unstable_getMiniflareWorkerOptions(
    join(ROOT, "wrangler.toml"),
  ).workerOptions;
  // Issue 13: Miniflare's static-assets emulation puts three isolates (proxy, router, asset worker)
  // in front of every request, which Cloudflare does not bill to the Worker. Locally the Worker gets
  // its ASSETS binding from Node instead (scripts/lib/static-assets.mjs), so API requests meet only
  // our Worker. REGISTRY_ASSETS_LAYER=1 keeps Miniflare's layers (to compare the two).
  const assetsDir = workerOptions.assets?.directory ?? join(ROOT, "public");
  if (process.env.REGISTRY_ASSETS_LAYER !== "1") {
    delete workerOptions.assets;
    workerOptions.serviceBindings = { ...workerOptions.serviceBindings, ASSETS: staticAssets(assetsDir) };
  }
  // Same layout as wrangler (`<state>/v3/d1`, …), so `wrangler d1 … --local --persist-to` sees our data.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      ...workerOptions,
      name: "edge-model-registry",
      modules: true,
      scriptPath: join(outDir, "index.js"),
      modulesRoot: outDir,
      bindings: { ...workerOptions.bindings, ADMIN_TOKEN: token, ENVIRONMENT: "local" },
      host: "127.0.0.1",
      cf: false, // offline: do not fetch Request.cf from the internet
      port,
      ...(inspectorPort ? { inspectorPort } : {}),
      resourcePersistencePath: join(stateDir, "v3"),
      log: new Log(options.quiet ? LogLevel.WARN : LogLevel.INFO),
      // A request log line costs a loopback round trip from workerd to Node on every request
      // (about a third of a bare route's time): opt in with REGISTRY_LOG_REQUESTS=1.
      logRequests: options.logRequests ?? process.env.REGISTRY_LOG_REQUESTS === "1",
    }),
  );
  const url = await mf.ready;

  const jobs = [];
  if (options.crons !== false) {
    for (const cron of workerOptions.cronTriggers ?? []) {
      jobs.push(
        new Cron(cron, { timezone: "UTC", protect: true }, async () => {
          const worker = await mf.getWorker();
          await worker.scheduled({ cron, scheduledTime: new Date() }).catch((error) => {
            console.error(`cron ${cron} failed`, error);
          });
        }),
      );
    }
  }

  return {
    url: url.href.replace(/\/$/, ""),
    token,
    stateDir,
    mf,
    async stop() {
      for (const job of jobs) job.stop();
      await mf.dispose();
    },
  };
}

/**
 * A one-time console sign-in link acting as `token` (the admin's by default): `npm start` prints
 * it; it works once, for 15 minutes (POST /api/v1/sign-in-links).
 */
export async function signInLink(registry, token = registry.token) {
  const response = await fetch(`${registry.url}/api/v1/sign-in-links`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: "{}",
  });
  if (response.status !== 201) throw new Error(`sign-in link: ${response.status} ${await response.text()}`);
  const { path } = await response.json();
  return `${registry.url}${path}`;
}
