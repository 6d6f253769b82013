// `npm run soak [-- --requests 200000] [--minutes 20] [--concurrency 8] [--out file.json]`:
// memory under a long mixed load. A bare Worker on the same runtime takes the same number of plain
// GETs first (its workerd RSS is the baseline); then the registry, as `npm start` runs it, takes the
// mixed load: alias reads, resolve polls answered 304, registrations, alias moves, blob GETs.
// workerd RSS is sampled as the load runs. Bounded by --requests AND --minutes, whichever ends first
// (the report says how many requests ran). Prints JSON, then a Markdown table.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startBareWorker } from "./bench/lib/bare-worker.mjs";
import { markdownTable, progress, round, workerdPids } from "./bench/lib/measure.mjs";
import { startRegistry } from "./lib/registry-server.mjs";
import { ok, prepareSoakMix } from "./lib/soak-mix.mjs";

const { values: args } = parseArgs({
  options: {
    requests: { type: "string", default: "200000" },
    minutes: { type: "string", default: "20" },
    concurrency: { type: "string", default: "8" },
    out: { type: "string" },
  },
});
const REQUESTS = Number(args.requests);
const DEADLINE_MS = Number(args.minutes) * 60_000;
const CONCURRENCY = Number(args.concurrency);
const SAMPLES = 20;

/** Resident memory (MiB) of the given processes, from /proc. */
function rssMiB(pids) {
  let kib = 0;
  for (const pid of pids) {
    try {
      kib += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {}
  }
  return round(kib / 1024, 1);
}

/**
 * Runs `next(i)` up to `total` times on CONCURRENCY loops until the deadline; samples RSS at every
 * 1/SAMPLES of the way. Returns the samples and how many requests ran.
 */
async function drive(label, total, budgetMs, pids, next) {
  const bar = progress(label, total);
  const samples = [{ done: 0, rss_mib: rssMiB(pids) }];
  const step = Math.max(1, Math.floor(total / SAMPLES));
  const end = Date.now() + budgetMs;
  let issued = 0;
  let done = 0;
  const loop = async () => {
    while (issued < total && Date.now() < end) {
      const i = issued++;
      await next(i);
      done++;
      bar.increment();
      if (done % step === 0) samples.push({ done, rss_mib: rssMiB(pids) });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  bar.stop();
  samples.push({ done, rss_mib: rssMiB(pids) });
  return { done, samples };
}

/** RSS at the end, and its growth over the second half of the run. */
function plateau(run) {
  const last = run.samples.at(-1);
  const half = run.samples.find((s) => s.done >= run.done / 2) ?? last;
  return {
    requests: run.done,
    rss_start_mib: run.samples[0]?.rss_mib,
    rss_half_mib: half.rss_mib,
    rss_end_mib: last.rss_mib,
    second_half_growth: round((last.rss_mib - half.rss_mib) / half.rss_mib, 3),
  };
}

const started = Date.now();
// 1. The bare Worker's plateau under as many requests.
const bare = await startBareWorker();
let bareRun;
try {
  bareRun = await drive("bare Worker", REQUESTS, DEADLINE_MS / 3, workerdPids(), () =>
    fetch(bare.url).then(ok),
  );
} finally {
  await bare.stop();
}

// 2. The registry under the mixed load.
const registry = await startRegistry({
  port: 0,
  stateDir: mkdtempSync(join(tmpdir(), "soak-state-")),
  outDir: mkdtempSync(join(tmpdir(), "soak-dist-")),
  token: "soak-admin",
  crons: false,
  quiet: true,
});
let run;
try {
  const { mix } = await prepareSoakMix(registry.url, registry.token, "soak");
  run = await drive("registry (mixed)", REQUESTS, DEADLINE_MS - (Date.now() - started), workerdPids(), mix);
} finally {
  await registry.stop();
}

const baseline = plateau(bareRun);
const registryPlateau = plateau(run);
const rows = [
  { process: "bare Worker (baseline)", ...baseline, vs_bare: 1 },
  {
    process: "registry, mixed load",
    ...registryPlateau,
    vs_bare: round(registryPlateau.rss_end_mib / baseline.rss_end_mib, 2),
  },
];
const results = {
  generated_at: new Date().toISOString(),
  asked: { requests: REQUESTS, minutes: Number(args.minutes), concurrency: CONCURRENCY },
  note: "2-core machine shared with other work; targets: second_half_growth <= 0.10, vs_bare <= 1.5",
  rows,
  samples: { bare: bareRun.samples, registry: run.samples },
};
if (args.out) writeFileSync(args.out, JSON.stringify(results, null, 2));
console.log(JSON.stringify(results, null, 2));
console.log();
console.log(
  markdownTable(rows, [
    "process",
    "requests",
    "rss_start_mib",
    "rss_half_mib",
    "rss_end_mib",
    "second_half_growth",
    "vs_bare",
  ]),
);
