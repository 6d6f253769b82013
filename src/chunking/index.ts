/**
 * Chunk boundaries, computed the same way by the server and the CLI (DESIGN.md "Chunked files").
 * safetensors and GGUF files are cut at tensor boundaries read from their headers; any other file by
 * content-defined chunking. Pure: callers read the bytes and pass them in.
 */
import type { ChunkBounds, Span } from "./bounds";
import { GearChunker } from "./gear-cdc";
import { ggufSegments } from "./gguf";
import { planTensorChunks, spansFromCuts } from "./plan";
import { type HeaderParse, safetensorsSegments } from "./safetensors";

export * from "./bounds";
export { GearChunker } from "./gear-cdc";
export { planTensorChunks, spansFromCuts } from "./plan";

export type Layout = "safetensors" | "gguf" | "cdc";

export type TensorLayout =
  | { kind: "tensors"; layout: "safetensors" | "gguf"; spans: Span[] }
  | { kind: "need"; bytes: number }
  | { kind: "cdc" };

/**
 * Tries the tensor formats on the start of a file. `need` asks the caller to read a longer prefix and
 * call again; `cdc` means the file is not a tensor container (cut it with GearChunker).
 */
export function tensorLayout(
  path: string,
  prefix: Uint8Array,
  fileSize: number,
  bounds: ChunkBounds,
): TensorLayout {
  const attempts: [Layout, (p: Uint8Array, n: number) => HeaderParse][] = /\.gguf$/i.test(path)
    ? [["gguf", ggufSegments]]
    : /\.safetensors$/i.test(path)
      ? [["safetensors", safetensorsSegments]]
      : [];
  for (const [layout, parse] of attempts) {
    const parsed = parse(prefix, fileSize);
    if (parsed.kind === "need") return { kind: "need", bytes: parsed.bytes };
    if (parsed.kind === "ok") {
      return {
        kind: "tensors",
        layout: layout as "safetensors" | "gguf",
        spans: planTensorChunks(parsed.segments, fileSize, bounds),
      };
    }
  }
  return { kind: "cdc" };
}

/** Chunks of a file held in memory (tests, the bench, small files). */
export function chunkBytes(
  path: string,
  bytes: Uint8Array,
  bounds: ChunkBounds,
): { layout: Layout; spans: Span[] } {
  const tensors = tensorLayout(path, bytes, bytes.length, bounds);
  if (tensors.kind === "tensors") return { layout: tensors.layout, spans: tensors.spans };
  const chunker = new GearChunker(bounds);
  return { layout: "cdc", spans: spansFromCuts([...chunker.update(bytes), ...chunker.finish()]) };
}
