/** Builds small safetensors and GGUF files in memory for chunking tests. */

export interface TensorSpec {
  name: string;
  bytes: Uint8Array;
}

export function safetensorsFile(tensors: TensorSpec[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let at = 0;
  for (const t of tensors) {
    header[t.name] = { dtype: "U8", shape: [t.bytes.length], data_offsets: [at, at + t.bytes.length] };
    at += t.bytes.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + at);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let offset = 8 + json.length;
  for (const t of tensors) {
    out.set(t.bytes, offset);
    offset += t.bytes.length;
  }
  return out;
}

/** A GGUF v3 file: one string metadata key, tensors of type u8 (ggml type 24 is I8; any id works). */
export function ggufFile(tensors: TensorSpec[], alignment = 32): Uint8Array {
  const parts: number[] = [];
  const u32 = (n: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n, true);
    parts.push(...b);
  };
  const u64 = (n: number) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
    parts.push(...b);
  };
  const str = (s: string) => {
    const b = new TextEncoder().encode(s);
    u64(b.length);
    parts.push(...b);
  };
  parts.push(...new TextEncoder().encode("GGUF"));
  u32(3);
  u64(tensors.length);
  u64(2);
  str("general.name");
  u32(8);
  str("test-model");
  str("general.alignment");
  u32(4);
  u32(alignment);
  let offset = 0;
  const offsets: number[] = [];
  for (const t of tensors) {
    str(t.name);
    u32(1);
    u64(t.bytes.length);
    u32(24);
    u64(offset);
    offsets.push(offset);
    offset = Math.ceil((offset + t.bytes.length) / alignment) * alignment;
  }
  const dataStart = Math.ceil(parts.length / alignment) * alignment;
  const out = new Uint8Array(dataStart + offset);
  out.set(parts, 0);
  tensors.forEach((t, i) => {
    out.set(t.bytes, dataStart + (offsets[i] as number));
  });
  return out;
}

/** Deterministic pseudo-random bytes (xorshift), so tests are repeatable. */
export function noise(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}
