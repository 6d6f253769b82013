// `npm run bench:artifacts [-- --size 64]`: push and pull one large file (default 1024 MiB) through the
// registry's HTTP API, beside baselines measured in the same run on the same disk:
//   - plain file copy of the same bytes (the disk's limit),
//   - a bare Worker on the same runtime streaming the same bytes into R2 (verified put) and out (the
//     platform floor),
//   - hashing the file (what re-pushing unchanged bytes should cost: hash + one check call).
// Push of the big file is multipart with parallel parts; a small file (≤ 64 MiB) goes by single PUT.
// Issue 16: a second file of new random bytes is pushed in chunks the way the CLI does (cut by
// src/cli/chunk-file.ts, missing chunks as parallel verified single PUTs, then the recipe, until the
// server has hashed it whole), against the bare verified put of the same bytes; with R2 operations
// per GiB and what they cost at published prices.
// Prints JSON, then a Markdown table.
import { createHash, randomFillSync } from "node:crypto";
import {
  closeSync,
  createReadStream,
  createWriteStream,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
} from "node:fs";
import { open } from "node:fs/promises";
import { request } from "node:http";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { register } from "tsx/esm/api";
import { startRegistry } from "../lib/registry-server.mjs";
import { markdownTable, now, round } from "./lib/measure.mjs";
import { startR2Floor } from "./lib/r2-floor.mjs";

register();
const { chunkFile } = await import("../../src/cli/chunk-file.ts");
const { boundsFor } = await import("../../src/cli/push-chunks.ts");
// R2 Standard, published prices (developers.cloudflare.com/r2/pricing): per million operations.
const PRICE = { classAPerMillion: 4.5, classBPerMillion: 0.36, storageGbMonth: 0.015 };

const MiB = 1024 * 1024;
const { values: args } = parseArgs({
  options: {
    size: { type: "string", default: "1024" },
    small: { type: "string", default: "64" },
    parallel: { type: "string", default: "4" },
    // Issue 16 (third round): the chunked push against the floor in ABBA order over this many fresh
    // files (floor, chunked, chunked, floor, …), so a load that drifts during the run hits both alike;
    // --chunked-only skips the multipart, single-PUT and pull sections (a 1 GiB run then fits).
    rounds: { type: "string", default: "2" },
    "chunk-parallel": { type: "string" },
    "chunked-only": { type: "boolean", default: false },
  },
});
const SIZE = Number(args.size) * MiB;
const SMALL = Math.min(Number(args.small) * MiB, SIZE);
const PARALLEL = Number(args.parallel);
const ROUNDS = Math.max(1, Number(args.rounds));
const CHUNK_PARALLEL = Number(args["chunk-parallel"] ?? args.parallel);
const CHUNKED_ONLY = args["chunked-only"];

const work = mkdtempSync(join(tmpdir(), "bench-artifacts-"));
const log = (m) => process.stderr.write(`${m}\n`);

/** Writes `size` random bytes to a file and returns its path and SHA-256 (hex). */
async function makeFile(name, size) {
  const path = join(work, name);
  const out = createWriteStream(path);
  const hash = createHash("sha256");
  const chunk = Buffer.alloc(4 * MiB);
  for (let left = size; left > 0; left -= chunk.length) {
    const piece = randomFillSync(chunk).subarray(0, Math.min(chunk.length, left));
    hash.update(piece);
    if (!out.write(piece)) await new Promise((r) => out.once("drain", r));
  }
  await new Promise((r) => out.end(r));
  return { path, hex: hash.digest("hex"), size };
}

async function hashFile(path) {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path, { highWaterMark: 4 * MiB }), hash);
  return hash.digest("hex");
}

function readRange(path, offset, length) {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) done += readSync(fd, buf, done, length - done, offset + done);
    return buf;
  } finally {
    closeSync(fd);
  }
}

async function readRangeAsync(path, offset, length) {
  const handle = await open(path, "r");
  try {
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) done += (await handle.read(buf, done, length - done, offset + done)).bytesRead;
    return buf;
  } finally {
    await handle.close();
  }
}

/** Streams a file as a request body with its Content-Length (fetch cannot stream with a length). */
function putFile(url, path, size, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "PUT", headers: { ...headers, "content-length": size } }, (res) => {
      res.resume();
      res.on("end", () =>
        res.statusCode < 300 ? resolve(res.statusCode) : reject(new Error(`PUT ${res.statusCode}`)),
      );
    });
    req.on("error", reject);
    createReadStream(path, { highWaterMark: 4 * MiB }).pipe(req);
  });
}

/** Reads a response to the end, hashing it (a real client verifies what it pulls). */
async function drainHash(response) {
  if (!response.ok) throw new Error(`GET ${response.status} ${await response.text()}`);
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of response.body) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { hex: hash.digest("hex"), bytes };
}

async function timed(fn) {
  const t = now();
  const value = await fn();
  return { ms: now() - t, value };
}

const mbps = (bytes, ms) => bytes / 1e6 / (ms / 1000);
const rows = [];
let r2Ops = {};
const row = (figure, ms, bytes, baselineMs, baselineIs) => {
  const value = bytes === undefined ? ms : mbps(bytes, ms);
  const baseline =
    baselineMs === undefined ? undefined : bytes === undefined ? baselineMs : mbps(bytes, baselineMs);
  rows.push({
    figure,
    value: round(value, 1),
    unit: bytes === undefined ? "ms" : "MB/s",
    baseline: baseline === undefined ? "" : round(baseline, 1),
    baseline_is: baselineIs ?? "",
    ratio: baseline === undefined ? "" : round(value / baseline, 3),
  });
};

log(`generating ${SIZE / MiB} MiB and ${SMALL / MiB} MiB files in ${work}`);
// --chunked-only needs neither: its baselines are the fresh files' own floor puts and hashing.
const big = CHUNKED_ONLY ? null : await makeFile("big.bin", SIZE);
const small = CHUNKED_ONLY ? null : await makeFile("small.bin", SMALL);

const registry = await startRegistry({
  port: 0,
  stateDir: join(work, "state"),
  outDir: join(work, "dist"),
  token: "bench-admin",
  crons: false,
  quiet: true,
});
const floor = await startR2Floor(join(work, "floor-state"));
const auth = { authorization: `Bearer ${registry.token}` };
const api = (path, init = {}) =>
  fetch(`${registry.url}/api/v1${path}`, { ...init, headers: { ...auth, ...init.headers } });
const json = (body) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

try {
  // --- baselines: disk copy, hashing, the bare R2 route ---
  let copy;
  let floorIn;
  let floorOut;
  if (!CHUNKED_ONLY) {
    copy = await timed(() =>
      pipeline(
        createReadStream(big.path, { highWaterMark: 4 * MiB }),
        createWriteStream(join(work, "copy.bin")),
      ),
    );
    rmSync(join(work, "copy.bin"));
    log("floor: bare route into and out of R2");
    floorIn = await timed(() => putFile(`${floor.url}/big`, big.path, big.size, { "x-sha256": big.hex }));
    floorOut = await timed(async () => drainHash(await fetch(`${floor.url}/big`)));
    if (floorOut.value.hex !== big.hex) throw new Error("floor returned different bytes");
  }

  let hashing = { ms: Number.POSITIVE_INFINITY };
  let push = { value: { part_count: Math.ceil(SIZE / (16 * MiB)) } };
  if (!CHUNKED_ONLY) {
    // --- registry: single PUT of the small file ---
    log("registry: single PUT");
    const single = await timed(() =>
      putFile(`${registry.url}/api/v1/blobs/sha256:${small.hex}`, small.path, small.size, auth),
    );
    const smallFloor = await timed(() =>
      putFile(`${floor.url}/small`, small.path, small.size, { "x-sha256": small.hex }),
    );

    // --- registry: multipart push of the big file, parts in parallel ---
    log(`registry: multipart push, ${PARALLEL} parts in parallel`);
    let completeMs = 0;
    push = await timed(async () => {
      const check = await (await api("/blobs/check", json({ digests: [`sha256:${big.hex}`] }))).json();
      if (check.missing.length !== 1) throw new Error("big blob unexpectedly present");
      const created = await api("/uploads", json({ digest: `sha256:${big.hex}`, size: big.size }));
      if (created.status !== 201) throw new Error(`create ${created.status} ${await created.text()}`);
      const upload = await created.json();
      let next = 1;
      const worker = async () => {
        while (next <= upload.part_count) {
          const n = next++;
          const offset = (n - 1) * upload.part_size;
          const body = readRange(big.path, offset, Math.min(upload.part_size, big.size - offset));
          const res = await api(`/uploads/${upload.id}/parts/${n}`, { method: "PUT", body });
          if (res.status !== 200) throw new Error(`part ${n}: ${res.status} ${await res.text()}`);
        }
      };
      await Promise.all(Array.from({ length: PARALLEL }, worker));
      const t = now();
      const done = await api(`/uploads/${upload.id}/complete`, { method: "POST" });
      completeMs = now() - t;
      if (done.status !== 201) throw new Error(`complete ${done.status} ${await done.text()}`);
      return upload;
    });

    // --- registry: pull (verified while reading) ---
    log("registry: pull");
    const pull = await timed(async () => drainHash(await api(`/blobs/sha256:${big.hex}`)));
    if (pull.value.hex !== big.hex) throw new Error("pull returned different bytes");
    const pullSmall = await timed(async () => drainHash(await api(`/blobs/sha256:${small.hex}`)));
    await new Promise((r) => setTimeout(r, 500)); // let the edge-cache fill of the small blob land
    const pullSmallCached = await timed(async () => drainHash(await api(`/blobs/sha256:${small.hex}`)));

    // --- re-push unchanged: hash locally, one check call, nothing to upload ---
    // Hashing baseline and re-push alternate, best of three each: both read the file from an equally
    // warm page cache, and a busy machine's noise hits both alike.
    let repush = { ms: Number.POSITIVE_INFINITY };
    for (let i = 0; i < 3; i++) {
      const h = await timed(() => hashFile(big.path));
      const r = await timed(async () => {
        const hex = await hashFile(big.path);
        const check = await (await api("/blobs/check", json({ digests: [`sha256:${hex}`] }))).json();
        if (check.missing.length !== 0) throw new Error("re-push would upload again");
      });
      if (h.ms < hashing.ms) hashing = h;
      if (r.ms < repush.ms) repush = r;
    }

    row(
      `push ${SIZE / MiB} MiB multipart (${push.value.part_count}×${push.value.part_size / MiB} MiB, ${PARALLEL} parallel)`,
      push.ms,
      big.size,
      floorIn.ms,
      "bare route → R2 (verified put)",
    );
    row(`push ${SIZE / MiB} MiB multipart`, push.ms, big.size, copy.ms, "plain file copy");
    row(
      `push ${SMALL / MiB} MiB single PUT`,
      single.ms,
      small.size,
      smallFloor.ms,
      "bare route → R2 (verified put)",
    );
    row("  of which: complete (assemble, verify, publish)", completeMs);
    row(`pull ${SIZE / MiB} MiB (hashed while read)`, pull.ms, big.size, floorOut.ms, "bare route ← R2");
    row(`pull ${SIZE / MiB} MiB`, pull.ms, big.size, copy.ms, "plain file copy");
    row(`pull ${SMALL / MiB} MiB, first (R2, fills cache)`, pullSmall.ms, small.size);
    row(
      `pull ${SMALL / MiB} MiB, repeat (edge cache)`,
      pullSmallCached.ms,
      small.size,
      pullSmall.ms,
      "first pull",
    );
    row(
      `re-push ${SIZE / MiB} MiB unchanged (hash + check)`,
      repush.ms,
      undefined,
      hashing.ms,
      "hashing the file",
    );
  }
  // --- issue 16: chunked push of new bytes (as the CLI does), against the bare put of those bytes ---
  // Each round pushes a fresh file (new random bytes: nothing to deduplicate) both ways; the order
  // alternates (ABBA) and the ratio is of the summed times, so neither side gets the quieter minutes.
  const chunkedPushOnce = async (fresh, file) => {
    let acceptedMs = 0;
    let uploadedMs = 0;
    const run = await timed(async () => {
      const t0 = now();
      const check = await (
        await api("/blobs/check", json({ digests: file.chunks.map((c) => c.digest) }))
      ).json();
      const missing = new Set(check.missing);
      const todo = file.chunks.filter((c) => missing.has(c.digest));
      if (todo.length !== file.chunks.length) throw new Error("fresh chunks unexpectedly present");
      let next = 0;
      const worker = async () => {
        while (next < todo.length) {
          const c = todo[next++];
          const res = await api(`/blobs/${c.digest}`, {
            method: "PUT",
            headers: { "content-type": "application/octet-stream" },
            // Read asynchronously like the CLI (src/cli/upload.ts): a sync read would stall the
            // other PUTs in flight, which the floor's single streamed PUT never pays.
            body: await readRangeAsync(fresh.path, c.offset, c.size),
          });
          if (res.status >= 300) throw new Error(`chunk PUT ${res.status} ${await res.text()}`);
          await res.arrayBuffer();
        }
      };
      await Promise.all(Array.from({ length: CHUNK_PARALLEL }, worker));
      uploadedMs = now() - t0;
      const recipe = await api(`/recipes/${file.digest}`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          size: file.size,
          layout: file.layout,
          chunks: file.chunks.map(({ digest, size }) => ({ digest, size })),
        }),
      });
      if (recipe.status >= 300) throw new Error(`recipe ${recipe.status} ${await recipe.text()}`);
      acceptedMs = now() - t0;
      // Counted as stored only once the server has streamed the chunks through DigestStream itself.
      for (let status = (await recipe.json()).status; status !== "verified"; ) {
        if (status === "failed") throw new Error("the server's hash of the chunked file failed");
        await new Promise((r) => setTimeout(r, 50));
        status = (await (await api(`/recipes/${file.digest}`)).json()).status;
      }
    });
    return { ms: run.ms, acceptedMs, uploadedMs };
  };
  const floorPushOnce = (fresh, i) =>
    timed(() => putFile(`${floor.url}/fresh-${i}`, fresh.path, fresh.size, { "x-sha256": fresh.hex }));
  const rounds = [];
  let fresh;
  let file;
  let cut;
  for (let i = 0; i < ROUNDS; i++) {
    log(`registry: chunked push of new data, round ${i + 1}/${ROUNDS} (load ${loadavg()[0].toFixed(1)})`);
    fresh = await makeFile(`fresh-${i}.bin`, SIZE);
    cut = await timed(() => chunkFile(fresh.path, fresh.size, boundsFor(16 * MiB)));
    file = cut.value;
    const floorFirst = i % 2 === 0;
    const a = floorFirst ? await floorPushOnce(fresh, i) : await chunkedPushOnce(fresh, file);
    const b = floorFirst ? await chunkedPushOnce(fresh, file) : await floorPushOnce(fresh, i);
    const [floorRun, chunkRun] = floorFirst ? [a, b] : [b, a];
    rounds.push({
      floor_ms: round(floorRun.ms, 0),
      chunked_ms: round(chunkRun.ms, 0),
      accepted_ms: round(chunkRun.acceptedMs, 0),
      chunks_uploaded_ms: round(chunkRun.uploadedMs, 0),
    });
    if (i < ROUNDS - 1) rmSync(fresh.path);
  }
  const sum = (key) => rounds.reduce((n, r) => n + r[key], 0);
  const pullChunked = await timed(async () => drainHash(await api(`/blobs/${file.digest}`)));
  if (pullChunked.value.hex !== fresh.hex) throw new Error("chunked pull returned different bytes");
  // Re-push unchanged, as the CLI does it (src/cli/push.ts): hash the file whole, one check call
  // finds it stored, nothing is cut. Alternating with hashing alone, best of three each.
  let repushChunked = { ms: Number.POSITIVE_INFINITY };
  let hashFresh = { ms: Number.POSITIVE_INFINITY };
  for (let i = 0; i < 3; i++) {
    const h = await timed(() => hashFile(fresh.path));
    const r = await timed(async () => {
      const hex = await hashFile(fresh.path);
      const check = await (await api("/blobs/check", json({ digests: [`sha256:${hex}`] }))).json();
      if (check.missing.length !== 0) throw new Error("chunked re-push would upload again");
    });
    if (h.ms < hashFresh.ms) hashFresh = h;
    if (r.ms < repushChunked.ms) repushChunked = r;
  }
  row(
    `push ${SIZE / MiB} MiB new data in chunks (${file.chunks.length} chunks, ${CHUNK_PARALLEL} parallel PUTs), until verified; ${ROUNDS} rounds ABBA`,
    sum("chunked_ms"),
    fresh.size * ROUNDS,
    sum("floor_ms"),
    "bare route → R2 (verified put), same bytes, same rounds",
  );
  row("  of which: chunks uploaded (sum of rounds)", sum("chunks_uploaded_ms"));
  row("  of which: chunks + recipe accepted (sum of rounds)", sum("accepted_ms"));
  row(
    `  client: cut + hash ${SIZE / MiB} MiB (src/cli/chunk-file.ts)`,
    cut.ms,
    fresh.size,
    hashFresh.ms,
    "hashing the file",
  );
  row(
    `pull ${SIZE / MiB} MiB chunked (hashed while read)`,
    pullChunked.ms,
    fresh.size,
    floorOut?.ms,
    floorOut ? "bare route ← R2" : undefined,
  );
  row(
    `re-push ${SIZE / MiB} MiB chunked unchanged (hash + one check, as the CLI does; best of 3)`,
    repushChunked.ms,
    undefined,
    hashFresh.ms,
    "hashing the file (best of 3, alternating)",
  );

  // R2 operations per GiB (counted from the code paths, not sampled). A chunk on push: one HEAD in
  // `/blobs/check`, one verified PUT (class A; since the third round no HEAD before it: the put's
  // `onlyIf` covers an existing blob), one HEAD when the recipe checks it is stored at its size, one
  // GET for the server's whole-file hash (class B). Replication of a Production version: a replica
  // HEAD + PUT and a primary GET per chunk; an uncached pull is one GET per chunk. Multipart: create
  // + parts + complete + the verified publish PUT (class A), two GETs of the staged object and a HEAD.
  const perGiB = (n) => (n * 1024 * MiB) / SIZE;
  const chunks = perGiB(file.chunks.length);
  const parts = perGiB(push.value.part_count);
  const ops = {
    chunked_push: { class_a: chunks, class_b: 3 * chunks },
    chunked_replication: { class_a: chunks, class_b: 2 * chunks },
    chunked_pull_uncached: { class_a: 0, class_b: chunks },
    multipart_push: { class_a: parts + 3, class_b: 3 },
  };
  const usd = ({ class_a, class_b }) =>
    round((class_a / 1e6) * PRICE.classAPerMillion + (class_b / 1e6) * PRICE.classBPerMillion, 6);
  r2Ops = Object.fromEntries(Object.entries(ops).map(([k, v]) => [k, { ...v, usd_per_gib: usd(v) }]));
  r2Ops.storage_usd_per_gib_month = round((1024 * MiB * PRICE.storageGbMonth) / 1e9, 6);
  r2Ops.prices = PRICE;

  if (!CHUNKED_ONLY) row("plain file copy (baseline)", copy.ms, big.size);
  if (!CHUNKED_ONLY) row("SHA-256 of the file (baseline)", hashing.ms, big.size);

  const result = {
    generated_at: new Date().toISOString(),
    size_mib: SIZE / MiB,
    small_mib: SMALL / MiB,
    parallel: PARALLEL,
    chunk_parallel: CHUNK_PARALLEL,
    load_average: loadavg().map((l) => round(l, 1)),
    chunked_rounds: rounds,
    rows,
    r2_operations_per_gib: r2Ops,
  };
  console.log(JSON.stringify(result, null, 2));
  console.log();
  console.log(markdownTable(rows, ["figure", "value", "unit", "baseline", "baseline_is", "ratio"]));
} finally {
  await floor.stop();
  await registry.stop();
  rmSync(work, { recursive: true, force: true });
}
