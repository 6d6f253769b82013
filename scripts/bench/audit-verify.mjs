// `node scripts/bench/audit-verify.mjs [--count 1000000] [--page 10000]` (npm run bench:audit):
// verifying a very long audit chain through the paged, resumable verify endpoint (issue #19).
//  1. Starts the real registry (built Worker on Miniflare/workerd, state on disk), creates a model,
//     stops it, and appends `count` entries to that model's chain straight into the local D1 SQLite
//     file in one transaction, computing the real hash chain (RFC 8785 JSON + SHA-256, exactly what
//     the ledger writes), continuing from the model's own first entry.
//  2. Starts it again and verifies the chain with GET /models/{name}/audit/verify, `page` entries
//     per request, following the cursor; samples workerd's RSS before, after every request, after.
//  3. Same-run baselines on the same rows: hashing the chain in Node (read with node:sqlite from a
//     copy of the D1 file, same canonical JSON, node:crypto), and reading the rows alone.
// Prints JSON, then a Markdown table. Progress bars go to stderr.
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import canonicalize from "canonicalize";
import { startRegistry } from "../lib/registry-server.mjs";
import { markdownTable, now, progress, round, workerdPids, workerdRssMiB } from "./lib/measure.mjs";
import { openCopyOfD1 } from "./lib/sqlite-baseline.mjs";

const { values: args } = parseArgs({
  options: {
    count: { type: "string", default: "1000000" },
    page: { type: "string", default: "10000" },
  },
});
const COUNT = Number(args.count);
const PAGE = Number(args.page);
if (!Number.isInteger(COUNT) || COUNT < 1 || !Number.isInteger(PAGE) || PAGE < 1 || PAGE > 100_000)
  throw new Error("--count must be a positive integer, --page an integer in [1, 100000]");

process.removeAllListeners("warning"); // node:sqlite is "experimental" in Node 22
const { DatabaseSync } = await import("node:sqlite");

const stateDir = mkdtempSync(join(tmpdir(), "bench-audit-state-"));
const outDir = mkdtempSync(join(tmpdir(), "bench-audit-dist-"));
const options = { port: 0, stateDir, outDir, token: "bench-admin", crons: false, quiet: true };
const name = "bench-audit";
const sha256 = (text) => createHash("sha256").update(text).digest("hex");

/** The ledger's hash of an entry (src/domain/audit-chain.ts), over the row as D1 returns it. */
const entryHash = (r) =>
  sha256(
    canonicalize({
      chain: r.chain,
      seq: r.seq,
      model_name: r.model_name,
      action: r.action,
      actor: r.actor,
      target: r.target,
      before: r.before === null ? null : JSON.parse(r.before),
      after: r.after === null ? null : JSON.parse(r.after),
      reason: r.reason,
      request_id: r.request_id,
      created_at: r.created_at,
      prev_hash: r.prev_hash,
    }),
  );

/**
 * workerd's resident memory split (MiB): anonymous (heaps, caches it allocated) and file-backed
 * (pages of files it maps, such as the D1 SQLite file it reads, which the kernel can drop).
 */
function workerdRssSplit() {
  const total = { anon: 0, file: 0 };
  for (const pid of workerdPids()) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      total.anon += Number(/RssAnon:\s+(\d+)/.exec(status)?.[1] ?? 0);
      total.file += Number(/RssFile:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      // the process ended between listing and reading: nothing to count
    }
  }
  return { anon: round(total.anon / 1024, 1), file: round(total.file / 1024, 1) };
}

async function call(registry, path, init = {}) {
  const res = await fetch(`${registry.url}/api/v1${path}`, {
    ...init,
    headers: { authorization: "Bearer bench-admin", "content-type": "application/json" },
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

// 1. A model, then its chain grown to 1 + COUNT entries directly in the D1 file.
let registry = await startRegistry(options);
await call(registry, "/models", { method: "POST", body: JSON.stringify({ name }) });
await registry.stop();

const d1Dir = join(stateDir, "v3", "d1", "miniflare-D1DatabaseObject");
const d1File = readdirSync(d1Dir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
const db = new DatabaseSync(join(d1Dir, d1File));
const head = db
  .prepare("select chain, seq, hash from audit_log where model_name = ? order by seq desc limit 1")
  .get(name);
const insert = db.prepare(
  `insert into audit_log (chain, seq, model_name, action, actor, target, before, after, reason, request_id, created_at, prev_hash, hash)
   values (?, ?, ?, 'model.updated', 'bench', ?, ?, ?, null, ?, ?, ?, ?)`,
);
const seedStarted = now();
let bar = progress(`seed ${COUNT} chained entries`, COUNT);
let prev = head.hash;
const t0 = Date.now() - COUNT;
db.exec("begin");
for (let i = 1; i <= COUNT; i++) {
  const row = {
    chain: head.chain,
    seq: head.seq + i,
    model_name: name,
    action: "model.updated",
    actor: "bench",
    target: `model:${name}`,
    before: JSON.stringify({ description: `d${i - 1}` }),
    after: JSON.stringify({ description: `d${i}` }),
    reason: null,
    request_id: `bench-${i}`,
    created_at: t0 + i,
    prev_hash: prev,
  };
  const hash = entryHash(row);
  insert.run(
    row.chain,
    row.seq,
    name,
    row.target,
    row.before,
    row.after,
    row.request_id,
    row.created_at,
    prev,
    hash,
  );
  prev = hash;
  if (i % 10_000 === 0) bar.update(i);
}
db.exec("commit");
bar.update(COUNT);
bar.stop();
db.close();
const seedSeconds = (now() - seedStarted) / 1000;
const total = head.seq + COUNT;

// 2. Verify through the endpoint, page by page, following the cursor.
registry = await startRegistry({ ...options, build: false });
const rows = [];
let result;
try {
  await call(registry, `/models/${name}/audit/verify?max_entries=1`); // warm: DO, D1, code paths
  const rssBefore = workerdRssMiB();
  const splitBefore = workerdRssSplit();
  let rssPeak = rssBefore ?? 0;
  let anonPeak = splitBefore.anon;
  let pages = 0;
  let cursor;
  let last;
  bar = progress("verify through the endpoint", total);
  const started = now();
  do {
    const query = `max_entries=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    last = await call(registry, `/models/${name}/audit/verify?${query}`);
    pages++;
    cursor = last.cursor;
    bar.update(last.entries);
    rssPeak = Math.max(rssPeak, workerdRssMiB() ?? 0);
    anonPeak = Math.max(anonPeak, workerdRssSplit().anon);
  } while (!last.complete);
  const seconds = (now() - started) / 1000;
  bar.stop();
  const rssAfter = workerdRssMiB();
  const splitAfter = workerdRssSplit();
  if (!last.ok || last.entries !== total || last.head !== prev)
    throw new Error(`verification did not reach the seeded head: ${JSON.stringify(last)}`);

  // 3. Baselines on a copy of the same D1 file: read only, and read + hash in Node.
  const copy = openCopyOfD1(stateDir);
  const copyPath = copy.location();
  const select = copy.prepare("select * from audit_log where chain = ? and seq > ? order by seq limit ?");
  const readStarted = now();
  let n = 0;
  for (let after = 0; ; ) {
    const page = select.all(head.chain, after, PAGE);
    if (page.length === 0) break;
    n += page.length;
    after = page[page.length - 1].seq;
  }
  const readSeconds = (now() - readStarted) / 1000;
  if (n !== total) throw new Error(`read ${n} rows, expected ${total}`);
  const hashStarted = now();
  let link = "0".repeat(64);
  for (let after = 0; ; ) {
    const page = select.all(head.chain, after, PAGE);
    if (page.length === 0) break;
    for (const r of page) {
      if (r.prev_hash !== link || entryHash(r) !== r.hash)
        throw new Error(`baseline: chain broken at ${r.seq}`);
      link = r.hash;
    }
    after = page[page.length - 1].seq;
  }
  const hashSeconds = (now() - hashStarted) / 1000;
  copy.close();
  rmSync(dirname(copyPath), { recursive: true, force: true });

  // `endpoint_x`: the endpoint's time over the row's (how many times slower the endpoint is).
  const rate = (s) => Math.round(total / s);
  rows.push(
    {
      figure: "verify via endpoint (paged, cursor)",
      entries_per_s: rate(seconds),
      seconds: round(seconds, 1),
      endpoint_x: 1,
    },
    {
      figure: "baseline: read + hash in Node (node:sqlite)",
      entries_per_s: rate(hashSeconds),
      seconds: round(hashSeconds, 1),
      endpoint_x: round(seconds / hashSeconds, 2),
    },
    {
      figure: "baseline: read rows only (node:sqlite)",
      entries_per_s: rate(readSeconds),
      seconds: round(readSeconds, 1),
      endpoint_x: round(seconds / readSeconds, 2),
    },
  );
  result = {
    generated_at: new Date().toISOString(),
    entries: total,
    page_entries: PAGE,
    pages,
    seed_seconds: round(seedSeconds, 1),
    workerd_rss_mib: { before: rssBefore, peak: rssPeak, after: rssAfter },
    workerd_rss_anon_mib: { before: splitBefore.anon, peak: anonPeak, after: splitAfter.anon },
    workerd_rss_file_mib: { before: splitBefore.file, after: splitAfter.file },
    projection_1m_seconds: round((seconds * 1_000_000) / total, 1),
    rows,
  };
} finally {
  await registry.stop();
  // A 1,000,000-entry chain is a few hundred MB of SQLite: leave nothing behind in the temp dir.
  for (const dir of [stateDir, outDir]) rmSync(dir, { recursive: true, force: true });
}

console.log(JSON.stringify(result, null, 2));
console.log(`\n${markdownTable(rows, ["figure", "entries_per_s", "seconds", "endpoint_x"])}\n`);
console.log(
  `${result.entries} entries in ${result.pages} pages of ${result.page_entries}; workerd RSS ${result.workerd_rss_mib.before} MiB before, ${result.workerd_rss_mib.peak} MiB peak, ${result.workerd_rss_mib.after} MiB after (anonymous ${result.workerd_rss_anon_mib.before} → peak ${result.workerd_rss_anon_mib.peak}; file-backed ${result.workerd_rss_file_mib.before} → ${result.workerd_rss_file_mib.after}).`,
);
