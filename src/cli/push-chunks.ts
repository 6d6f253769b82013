/**
 * Pushing chunked files (issue 16): upload only the chunks the server is missing, each as one
 * verified single PUT in parallel (no staging copy, no second write), then store the recipe; the
 * server hashes the assembled file itself before it counts as stored.
 */
import type { ChunkBounds } from "../chunking";
import type { ChunkedFile } from "./chunk-file";
import { digestHex } from "./hash";
import { type Connection, registry, sleep } from "./http";
import { runPool } from "./pool";
import { missingBlobs, uploadRange } from "./upload";

export interface ChunkPushReport {
  chunks_total: number;
  chunks_sent: number;
  chunk_bytes_sent: number;
  /** Bytes of chunked files the server already had (shared with earlier versions or files). */
  bytes_reused: number;
}

/**
 * Bounds scaled from one size (`--chunk-size`): the largest chunk; groups and the CDC average a
 * quarter of it; tensors of a 256th or more (64 KiB at the default 16 MiB) get chunks of their own.
 */
export function boundsFor(maxBytes: number): ChunkBounds {
  return {
    soloBytes: Math.max(1, Math.floor(maxBytes / 256)),
    groupBytes: Math.max(1, Math.floor(maxBytes / 4)),
    maxBytes,
    cdcMin: Math.max(1, Math.floor(maxBytes / 16)),
    cdcAvg: Math.max(1, Math.floor(maxBytes / 4)),
    cdcMax: maxBytes,
  };
}

export async function pushChunkedFiles(
  conn: Connection,
  files: (ChunkedFile & { source: string })[],
  parallel: number,
  onBytes: (n: number) => void,
): Promise<ChunkPushReport> {
  const all = files.flatMap((f) => f.chunks.map((c) => ({ ...c, source: f.source })));
  const missing = await missingBlobs(
    conn,
    all.map((c) => c.digest),
  );
  const toSend = [...new Map(all.filter((c) => missing.has(c.digest)).map((c) => [c.digest, c])).values()];
  await runPool(toSend, parallel, async (c) => {
    await uploadRange(conn, c.source, c.digest, c.offset, c.size);
    onBytes(c.size);
  });
  for (const f of files) {
    await registry(conn).put("/api/v1/recipes/{digest}", {
      params: { path: { digest: `sha256:${digestHex(f.digest)}` } },
      body: {
        size: f.size,
        layout: f.layout,
        chunks: f.chunks.map(({ digest, size }) => ({ digest, size })),
      },
    });
  }
  const sent = toSend.reduce((n, c) => n + c.size, 0);
  const total = files.reduce((n, f) => n + f.size, 0);
  return {
    chunks_total: all.length,
    chunks_sent: toSend.length,
    chunk_bytes_sent: sent,
    bytes_reused: total - sent,
  };
}

/** Waits while the server hashes large files in the background: READY or FAILED_REGISTRATION. */
export async function waitForVerification(
  conn: Connection,
  name: string,
  version: number,
  timeoutMs = 30 * 60_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let delay = 250;
  const params = { path: { name, version: String(version) } };
  for (;;) {
    const { status } = await registry(conn).get("/api/v1/models/{name}/versions/{version}", { params });
    if (status !== "PENDING_REGISTRATION" || Date.now() > deadline) return status;
    await sleep(delay);
    delay = Math.min(5000, delay * 2);
  }
}
