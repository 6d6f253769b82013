// `npm run bench:storage [-- --scale 1]`: how many bytes and R2 operations a model family costs when
// files are stored whole (file-level content addressing), in tensor-aware chunks (what the registry
// does, src/chunking), and in 64 KiB FastCDC chunks, against the ideal (every distinct tensor once).
// The family is built here: a ~200 MB fp16 safetensors base (scale 1), ten fine-tunes that each
// retrain about 10% of the bytes (one full layer, the attention of the next, every norm) plus a LoRA
// adapter file, and int8 / int4-like variants that keep the embeddings and norms. Also: the share of
// a fine-tune's bytes a node downloads when it moves from fine-tune 9 to 10. Pure computation on the
// same bytes for every scheme (no server), so figures are ratios measured in one run.
// Prints JSON, then a Markdown table.
import { createHash, randomFillSync } from "node:crypto";
import { parseArgs } from "node:util";
import { register } from "tsx/esm/api";
import { markdownTable, now, progress, round } from "./lib/measure.mjs";

register();
const { chunkBytes, DEFAULT_BOUNDS, KiB } = await import("../../src/chunking/index.ts");

const { values: args } = parseArgs({ options: { scale: { type: "string", default: "1" } } });
const SCALE = Number(args.scale);
const HIDDEN = Math.round((768 * Math.sqrt(SCALE)) / 64) * 64 || 64;
const LAYERS = 12;
const VOCAB = 32000;
const FASTCDC_64K = { ...DEFAULT_BOUNDS, cdcMin: 16 * KiB, cdcAvg: 64 * KiB, cdcMax: 256 * KiB };
// R2 Standard, published prices (developers.cloudflare.com/r2/pricing): storage per GB-month,
// Class A (writes) and Class B (reads) per million operations.
const PRICE = { storageGbMonth: 0.015, classAPerMillion: 4.5, classBPerMillion: 0.36 };

const random = (n) => randomFillSync(new Uint8Array(n));
const sha = (bytes) => createHash("sha256").update(bytes).digest("hex");

/** The base model's tensors (fp16: 2 bytes per weight), in file order. */
function baseTensors() {
  const t = [["embed_tokens.weight", VOCAB * HIDDEN * 2]];
  for (let l = 0; l < LAYERS; l++) {
    for (const p of ["q", "k", "v", "o"]) t.push([`layers.${l}.attn.${p}_proj.weight`, HIDDEN * HIDDEN * 2]);
    t.push([`layers.${l}.mlp.up_proj.weight`, HIDDEN * 4 * HIDDEN * 2]);
    t.push([`layers.${l}.mlp.down_proj.weight`, HIDDEN * 4 * HIDDEN * 2]);
    t.push([`layers.${l}.input_norm.weight`, HIDDEN * 2], [`layers.${l}.post_norm.weight`, HIDDEN * 2]);
  }
  t.push(["norm.weight", HIDDEN * 2]);
  return new Map(t.map(([name, size]) => [name, random(size)]));
}

function safetensors(tensors, metadata) {
  const header = { __metadata__: metadata };
  let at = 0;
  for (const [name, bytes] of tensors) {
    header[name] = { dtype: "F16", shape: [bytes.length / 2], data_offsets: [at, at + bytes.length] };
    at += bytes.length;
  }
  const json = Buffer.from(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + at);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let offset = 8 + json.length;
  for (const bytes of tensors.values()) {
    out.set(bytes, offset);
    offset += bytes.length;
  }
  return out;
}

const isNorm = (name) => name.includes("norm");
const base = baseTensors();
const baseBytesTotal = [...base.values()].reduce((n, t) => n + t.length, 0);
let retrained = 0;

/** Every file of the family as [path, tensors], built lazily so only one is in memory at a time. */
function* family() {
  yield ["base/model.safetensors", base];
  for (let i = 1; i <= 10; i++) {
    const tuned = new Map(base);
    const layer = i % LAYERS;
    for (const name of base.keys()) {
      const retrain =
        name.startsWith(`layers.${layer}.`) ||
        name.startsWith(`layers.${(layer + 1) % LAYERS}.attn.`) ||
        isNorm(name);
      if (retrain) tuned.set(name, random(base.get(name).length));
    }
    if (i === 1)
      retrained = [...tuned].filter(([n, t]) => t !== base.get(n)).reduce((n, [, t]) => n + t.length, 0);
    yield [`ft-${i}/model.safetensors`, tuned];
    const lora = new Map();
    for (let l = 0; l < LAYERS; l++) {
      for (const p of ["q", "v"]) {
        lora.set(`layers.${l}.attn.${p}_proj.lora_A`, random(8 * HIDDEN * 2));
        lora.set(`layers.${l}.attn.${p}_proj.lora_B`, random(HIDDEN * 8 * 2));
      }
    }
    yield [`ft-${i}/adapter_model.safetensors`, lora];
  }
  for (const [variant, divisor] of [
    ["int8", 2],
    ["int4", 4],
  ]) {
    const quantised = new Map();
    for (const [name, bytes] of base) {
      const keep = isNorm(name) || name.startsWith("embed");
      quantised.set(name, keep ? bytes : random(bytes.length / divisor));
    }
    yield [`${variant}/model.safetensors`, quantised];
  }
}

/** Per scheme: distinct stored objects (digest → size), and the chunk lists of two files. */
const schemes = {
  file_level: { objects: new Map(), files: new Map() },
  tensor_chunks: { objects: new Map(), files: new Map() },
  fastcdc_64k: { objects: new Map(), files: new Map() },
  ideal: { objects: new Map(), files: new Map() },
};
let logical = 0;
let files = 0;
const timings = { tensor_chunks_ms: 0, fastcdc_64k_ms: 0 };

function record(scheme, path, pieces) {
  const s = schemes[scheme];
  for (const [digest, size] of pieces) s.objects.set(digest, size);
  if (path.endsWith("model.safetensors")) s.files.set(path, pieces);
}

function chunked(path, bytes, bounds, key) {
  const t0 = now();
  const { spans } = chunkBytes(path, bytes, bounds);
  const pieces = spans.map((s) => [sha(bytes.subarray(s.offset, s.offset + s.length)), s.length]);
  timings[key] += now() - t0;
  return pieces;
}

const bar = progress("chunking the family", 23);
for (const [path, tensors] of family()) {
  const bytes = safetensors(tensors, { name: path });
  logical += bytes.length;
  files++;
  record("file_level", path, [[sha(bytes), bytes.length]]);
  record("tensor_chunks", path, chunked(path, bytes, DEFAULT_BOUNDS, "tensor_chunks_ms"));
  // FastCDC is applied as to any file: give it a name the tensor parsers do not claim.
  record("fastcdc_64k", path, chunked(`${path}.bin`, bytes, FASTCDC_64K, "fastcdc_64k_ms"));
  const header = bytes.length - [...tensors.values()].reduce((n, t) => n + t.length, 0);
  record("ideal", path, [
    [sha(bytes.subarray(0, header)), header],
    ...[...tensors.values()].map((t) => [sha(t), t.length]),
  ]);
  bar.increment();
}
bar.stop();

const stored = (s) => [...s.objects.values()].reduce((n, b) => n + b, 0);
/** Share of `to`'s bytes a node holding the files `have` must download (pieces it does not have). */
function updateShare(s, have, to) {
  const held = new Set(have.flatMap((f) => (s.files.get(f) ?? []).map(([d]) => d)));
  const want = s.files.get(to) ?? [];
  const total = want.reduce((n, [, b]) => n + b, 0);
  const missing = want.filter(([d]) => !held.has(d)).reduce((n, [, b]) => n + b, 0);
  return missing / total;
}

/**
 * Issue 16 (third round): where the ft-9 → ft-10 download comes from, in shares of ft-10's bytes:
 * pieces ft-10 shares with the base (base tensors ft-9 had replaced: a node holding only ft-9 must
 * fetch them back), the file's header piece(s), and the rest (bytes new in ft-10: its retrained
 * tensors, which no lossless scheme can avoid). The LoRA adapter is a separate file, not counted.
 */
function updateBreakdown(s) {
  const held = new Set((s.files.get("ft-9/model.safetensors") ?? []).map(([d]) => d));
  const inBase = new Set((s.files.get("base/model.safetensors") ?? []).map(([d]) => d));
  const want = s.files.get("ft-10/model.safetensors") ?? [];
  const total = want.reduce((n, [, b]) => n + b, 0);
  const out = { from_base: 0, header: 0, new_in_ft10: 0 };
  want.forEach(([d, b], i) => {
    if (held.has(d)) return;
    if (inBase.has(d)) out.from_base += b;
    else if (i === 0) out.header += b;
    else out.new_in_ft10 += b;
  });
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, round(v / total, 5)]));
}

const ideal = stored(schemes.ideal);
const rows = Object.entries(schemes).map(([name, s]) => {
  const bytes = stored(s);
  const objects = s.objects.size;
  return {
    scheme: name,
    stored_bytes: bytes,
    objects,
    stored_over_logical: round(bytes / logical, 4),
    vs_ideal: round(bytes / ideal, 4),
    vs_file_level: round(bytes / stored(schemes.file_level), 4),
    r2_puts: objects,
    put_cost_usd: round((objects / 1e6) * PRICE.classAPerMillion, 4),
    storage_usd_month: round((bytes / 1e9) * PRICE.storageGbMonth, 4),
    update_ft9_to_ft10_download_share: round(
      updateShare(s, ["ft-9/model.safetensors"], "ft-10/model.safetensors"),
      4,
    ),
    update_ft9_to_ft10_breakdown: updateBreakdown(s),
    // serve-sync's default `--keep 2`: a node that went ft-8 → ft-9 still holds ft-8's chunks.
    update_keep2_share: round(
      updateShare(s, ["ft-8/model.safetensors", "ft-9/model.safetensors"], "ft-10/model.safetensors"),
      4,
    ),
    // A node's chunk cache keeps what it pulled before: the base it started from, then fine-tune 9.
    update_with_base_cached_share: round(
      updateShare(s, ["base/model.safetensors", "ft-9/model.safetensors"], "ft-10/model.safetensors"),
      4,
    ),
  };
});

const result = {
  bench: "storage",
  note: "pure computation over the same synthetic bytes for every scheme; the machine was shared (timings are indicative only)",
  scale: SCALE,
  hidden: HIDDEN,
  files,
  logical_bytes: logical,
  base_bytes: safetensors(base, {}).length,
  /** What one fine-tune retrains: its changed tensors' bytes over the file's. */
  retrained_share: round(retrained / baseBytesTotal, 4),
  prices: PRICE,
  timings_ms: {
    tensor_chunks: round(timings.tensor_chunks_ms, 0),
    fastcdc_64k: round(timings.fastcdc_64k_ms, 0),
  },
  schemes: rows,
};
console.log(JSON.stringify(result, null, 2));
console.log();
const table = rows.map((r) => ({
  scheme: r.scheme,
  "stored MB": round(r.stored_bytes / 1e6, 1),
  "stored / logical": r.stored_over_logical,
  "vs ideal": `${r.vs_ideal}x`,
  "vs file-level": `${r.vs_file_level}x`,
  "R2 objects (puts)": r.objects,
  "ft-9 → ft-10 download": `${round(r.update_ft9_to_ft10_download_share * 100, 1)}%`,
  "… with the base cached too": `${round(r.update_with_base_cached_share * 100, 1)}%`,
  "… serve-sync --keep 2 (ft-8 and ft-9 cached)": `${round(r.update_keep2_share * 100, 1)}%`,
}));
console.log(markdownTable(table, Object.keys(table[0])));
