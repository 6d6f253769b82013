/**
 * Cutting a local file into chunks with the shared module (src/chunking): one sequential read that
 * hashes every chunk and the whole file together, so memory stays flat at any size. safetensors and
 * GGUF files are cut at tensor boundaries (their header is read first); others by FastCDC.
 */
import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { type ChunkBounds, GearChunker, type Layout, tensorLayout } from "../chunking";
import { formatDigest } from "./hash";

export interface FileChunk {
  digest: string;
  offset: number;
  size: number;
}

export interface ChunkedFile {
  digest: string;
  size: number;
  layout: Layout;
  chunks: FileChunk[];
}

async function readPrefix(path: string, length: number): Promise<Uint8Array> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Tensor chunk ends from the header, or null when the file is not a tensor container. */
async function tensorCuts(
  path: string,
  size: number,
  bounds: ChunkBounds,
): Promise<{ layout: Layout; cuts: number[] } | null> {
  let want = Math.min(size, 1 << 20);
  for (let tries = 0; tries < 12; tries++) {
    const result = tensorLayout(path, await readPrefix(path, want), size, bounds);
    if (result.kind === "cdc") return null;
    if (result.kind === "tensors")
      return { layout: result.layout, cuts: result.spans.map((s) => s.offset + s.length) };
    if (result.bytes <= want) return null;
    want = Math.min(size, result.bytes);
  }
  return null;
}

export async function chunkFile(
  path: string,
  size: number,
  bounds: ChunkBounds,
  onBytes: (n: number) => void = () => {},
): Promise<ChunkedFile> {
  const tensors = await tensorCuts(path, size, bounds);
  const gear = tensors ? null : new GearChunker(bounds);
  const known = tensors?.cuts ?? [];
  let nextKnown = 0;
  const whole = createHash("sha256");
  const chunks: FileChunk[] = [];
  let chunkHash: Hash = createHash("sha256");
  let chunkStart = 0;
  let position = 0;
  const cut = (end: number) => {
    chunks.push({
      digest: formatDigest(chunkHash.digest("hex")),
      offset: chunkStart,
      size: end - chunkStart,
    });
    chunkHash = createHash("sha256");
    chunkStart = end;
  };
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  for await (const buffer of stream as AsyncIterable<Buffer>) {
    whole.update(buffer);
    const end = position + buffer.length;
    const cuts = gear ? gear.update(buffer) : [];
    while (!gear && nextKnown < known.length && (known[nextKnown] as number) <= end)
      cuts.push(known[nextKnown++] as number);
    let at = position;
    for (const c of cuts) {
      chunkHash.update(buffer.subarray(at - position, c - position));
      cut(c);
      at = c;
    }
    chunkHash.update(buffer.subarray(at - position));
    position = end;
    onBytes(buffer.length);
  }
  if (position !== size) throw new Error(`${path} changed size while it was being read`);
  if (chunkStart < position) cut(position);
  return { digest: formatDigest(whole.digest("hex")), size, layout: tensors?.layout ?? "cdc", chunks };
}
