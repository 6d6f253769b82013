/**
 * Where the tensors of a GGUF file lie, from its header: magic `GGUF`, version (2 or 3), tensor and
 * metadata counts, the metadata key/values, the tensor infos (name, dims, type, offset), then the data
 * aligned to `general.alignment` (default 32). A tensor runs from its offset to the next one's (or
 * the end of the file), so no table of ggml type sizes is needed. Pure.
 */
import type { Span } from "./bounds";
import type { HeaderParse } from "./safetensors";

class NeedMore extends Error {}
class NotGguf extends Error {}

/** GGUF value types (gguf.md): 0..12; 8 = string, 9 = array. Fixed sizes of the scalar ones. */
const SCALAR_BYTES: Record<number, number> = {
  0: 1,
  1: 1,
  2: 2,
  3: 2,
  4: 4,
  5: 4,
  6: 4,
  7: 1,
  10: 8,
  11: 8,
  12: 8,
};

class Reader {
  #at = 0;
  readonly #view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get at() {
    return this.#at;
  }
  #take(n: number): number {
    if (this.#at + n > this.bytes.length) throw new NeedMore();
    const at = this.#at;
    this.#at += n;
    return at;
  }
  u32() {
    return this.#view.getUint32(this.#take(4), true);
  }
  u64() {
    const value = this.#view.getBigUint64(this.#take(8), true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new NotGguf();
    return Number(value);
  }
  skip(n: number) {
    this.#take(n);
  }
  string(): string {
    const length = this.u64();
    if (length > 1 << 24) throw new NotGguf();
    const at = this.#take(length);
    return new TextDecoder().decode(this.bytes.subarray(at, at + length));
  }
  value(type: number): number | string | null {
    if (type === 8) return this.string();
    if (type === 9) {
      const itemType = this.u32();
      const count = this.u64();
      for (let i = 0; i < count; i++) this.value(itemType);
      return null;
    }
    const size = SCALAR_BYTES[type];
    if (size === undefined) throw new NotGguf();
    if (type === 4) return this.u32();
    this.skip(size);
    return null;
  }
}

export function ggufSegments(prefix: Uint8Array, fileSize: number): HeaderParse {
  if (prefix.length < 4) return { kind: "need", bytes: 24 };
  if (new TextDecoder().decode(prefix.subarray(0, 4)) !== "GGUF") return { kind: "not-this-format" };
  try {
    const r = new Reader(prefix);
    r.skip(4);
    const version = r.u32();
    if (version < 2 || version > 3) return { kind: "not-this-format" };
    const tensorCount = r.u64();
    const kvCount = r.u64();
    let alignment = 32;
    for (let i = 0; i < kvCount; i++) {
      const key = r.string();
      const value = r.value(r.u32());
      if (key === "general.alignment" && typeof value === "number" && value > 0) alignment = value;
    }
    const offsets: number[] = [];
    for (let i = 0; i < tensorCount; i++) {
      r.string();
      const dims = r.u32();
      if (dims > 8) return { kind: "not-this-format" };
      r.skip(8 * dims + 4);
      offsets.push(r.u64());
    }
    const dataStart = Math.ceil(r.at / alignment) * alignment;
    if (dataStart > fileSize) return { kind: "not-this-format" };
    const starts = [...new Set(offsets.map((o) => dataStart + o))].sort((a, b) => a - b);
    if (starts.some((s) => s > fileSize)) return { kind: "not-this-format" };
    const tensors: Span[] = starts.map((s, i) => ({ offset: s, length: (starts[i + 1] ?? fileSize) - s }));
    return {
      kind: "ok",
      segments: [{ offset: 0, length: dataStart }, ...tensors.filter((t) => t.length > 0)],
    };
  } catch (error) {
    if (error instanceof NeedMore) {
      // Read twice as much (metadata with a tokenizer vocabulary runs to megabytes).
      return prefix.length >= fileSize
        ? { kind: "not-this-format" }
        : { kind: "need", bytes: Math.min(fileSize, prefix.length * 2) };
    }
    if (error instanceof NotGguf || error instanceof RangeError) return { kind: "not-this-format" };
    throw error;
  }
}
