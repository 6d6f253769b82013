/** Helpers for chunked-file tests: cut bytes with the shared chunking module, upload, register. */
import { type ChunkBounds, chunkBytes, KiB } from "../../src/chunking";
import { api } from "./api";
import { putBlob, sha256 } from "./blobs";

export const TEST_BOUNDS: ChunkBounds = {
  soloBytes: 1 * KiB,
  groupBytes: 2 * KiB,
  maxBytes: 8 * KiB,
  cdcMin: 1 * KiB,
  cdcAvg: 2 * KiB,
  cdcMax: 8 * KiB,
};

export interface StoredFile {
  digest: string;
  hex: string;
  size: number;
  chunks: { digest: string; size: number }[];
}

/** Cuts `bytes` as the CLI would, uploads every chunk (verified PUTs) and returns the recipe. */
export async function uploadChunks(path: string, bytes: Uint8Array): Promise<StoredFile> {
  const { spans } = chunkBytes(path, bytes, TEST_BOUNDS);
  const chunks = [];
  for (const s of spans) {
    const { digest } = await putBlob(bytes.subarray(s.offset, s.offset + s.length));
    chunks.push({ digest, size: s.length });
  }
  const hex = await sha256(bytes);
  return { digest: `sha256:${hex}`, hex, size: bytes.length, chunks };
}

export function putRecipe(file: StoredFile, extra: Record<string, unknown> = {}) {
  return api("PUT", `/api/v1/recipes/${file.digest}`, {
    body: { size: file.size, chunks: file.chunks, ...extra },
  });
}

export function registerFiles(name: string, files: { path: string; file: StoredFile }[]) {
  return api("POST", `/api/v1/models/${name}/versions`, {
    body: {
      files: files.map(({ path, file }) => ({
        path,
        digest: file.digest,
        size: file.size,
        media_type: "application/octet-stream",
      })),
    },
  });
}
