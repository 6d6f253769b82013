/**
 * Getting blobs to the server: ask which are missing, send small ones in one verified PUT and large
 * ones as a resumable multipart upload with parallel parts.
 */

import { open } from "node:fs/promises";
import { completeUpload } from "./complete-upload";
import { blobPath, type Connection, RegistryError, registry } from "./http";
import { missingParts, type PartRange, planParts } from "./parts";
import { runPool } from "./pool";
import { clearState, loadState, saveState } from "./resume-state";

/** Retries per part/blob request: a flaky link costs a retry, not the whole push. */
const RETRIES = 3;

export interface UploadOptions {
  parallel: number;
  cacheDir: string;
  /** Part size to ask for; the server decides when absent (and may raise it to stay under 10,000 parts). */
  partSize?: number;
  onBytes: (n: number) => void;
}

export interface UploadReport {
  parts_total: number;
  /** Parts already on the server from an interrupted earlier push. */
  parts_resumed: number;
  parts_sent: number;
}

/** The subset of `digests` the server does not have yet. */
export async function missingBlobs(conn: Connection, digests: string[]): Promise<Set<string>> {
  const missing = new Set<string>();
  const unique = [...new Set(digests)];
  // The check takes a bounded list per call; 1000 keeps every body small.
  for (let i = 0; i < unique.length; i += 1000) {
    const body = await registry(conn).post("/api/v1/blobs/check", {
      body: { digests: unique.slice(i, i + 1000) },
      retries: RETRIES,
    });
    for (const d of body.missing) missing.add(d);
  }
  return missing;
}

/** Raw bytes up (openapi-fetch would serialise the body as JSON); PUTs are safe to repeat. */
async function putBytes(conn: Connection, path: string, bytes: Uint8Array<ArrayBuffer>): Promise<void> {
  const response = await registry(conn).raw("PUT", path, {
    body: bytes,
    headers: { "content-type": "application/octet-stream" },
    retries: RETRIES,
  });
  await response.body?.cancel();
}

/** Reads bytes [start, start+length) of a file. Parts are a few MiB, so a buffer is fine. */
async function readRange(path: string, start: number, length: number): Promise<Uint8Array<ArrayBuffer>> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await handle.read(buffer, read, length - read, start + read);
      if (bytesRead === 0) throw new Error(`${path} shrank while it was being uploaded`);
      read += bytesRead;
    }
    return buffer;
  } finally {
    await handle.close();
  }
}

/** One verified PUT of bytes [offset, offset+size) of a file: a chunk is an ordinary blob. */
export async function uploadRange(
  conn: Connection,
  source: string,
  digest: string,
  offset: number,
  size: number,
): Promise<void> {
  const bytes = await readRange(source, offset, size);
  await putBytes(conn, blobPath(digest), bytes);
}

/** One PUT; the server verifies the digest before the blob exists (422 DIGEST_MISMATCH if not). */
export async function uploadSingle(
  conn: Connection,
  source: string,
  digest: string,
  size: number,
): Promise<void> {
  const bytes = await readRange(source, 0, size);
  await putBytes(conn, blobPath(digest), bytes);
}

interface UploadSession {
  id: string;
  part_size: number;
  part_count: number;
  uploaded: number[];
}

/** Finds the upload this file started earlier (state file + server's part list), or opens a new one. */
async function openSession(
  conn: Connection,
  digest: string,
  size: number,
  cacheDir: string,
  partSize: number | undefined,
): Promise<UploadSession> {
  const saved = await loadState(cacheDir, conn.url, digest);
  if (saved && saved.size === size) {
    try {
      const status = await registry(conn).get("/api/v1/uploads/{id}", {
        params: { path: { id: saved.upload_id } },
        retries: RETRIES,
      });
      // Only an open upload can take more parts; a failed or aborted one is replaced below.
      if (status.state === "open") {
        return {
          id: saved.upload_id,
          part_size: status.part_size,
          part_count: status.part_count,
          uploaded: status.parts,
        };
      }
    } catch (error) {
      // Aborted, completed or swept by the stale-upload job: start over.
      if (!(error instanceof RegistryError) || error.status !== 404) throw error;
    }
  }
  const created = await registry(conn).post("/api/v1/uploads", {
    body: { digest, size, ...(partSize ? { part_size: partSize } : {}) },
    retries: RETRIES,
  });
  await saveState(cacheDir, {
    url: conn.url,
    digest,
    size,
    upload_id: created.id,
    part_size: created.part_size,
  });
  return { ...created, uploaded: [] };
}

/**
 * Multipart upload, resumable: the upload id is saved before the first part is sent, so a push that
 * dies halfway finds it again, asks the server which parts it has, and sends only the rest.
 */
export async function uploadMultipart(
  conn: Connection,
  source: string,
  digest: string,
  size: number,
  options: UploadOptions,
): Promise<UploadReport> {
  const session = await openSession(conn, digest, size, options.cacheDir, options.partSize);
  const plan = planParts(size, session.part_size);
  if (plan.length !== session.part_count) {
    throw new Error(
      `server planned ${session.part_count} parts of ${session.part_size} bytes; expected ${plan.length}`,
    );
  }
  const todo = missingParts(plan, session.uploaded);
  const pending = new Set(todo);
  for (const part of plan) if (!pending.has(part)) options.onBytes(part.length);
  await runPool(todo, options.parallel, async (part: PartRange) => {
    const bytes = await readRange(source, part.start, part.length);
    await putBytes(conn, `/api/v1/uploads/${encodeURIComponent(session.id)}/parts/${part.number}`, bytes);
    options.onBytes(part.length);
  });
  try {
    const done = await completeUpload(conn, session.id);
    if (done.digest !== digest || done.size !== size) {
      throw new Error(`server completed ${done.digest} (${done.size} bytes), expected ${digest} (${size})`);
    }
  } catch (error) {
    // A digest mismatch means the file changed under us: the upload is dead, do not resume it.
    if (error instanceof RegistryError && error.status === 422)
      await clearState(options.cacheDir, conn.url, digest);
    throw error;
  }
  await clearState(options.cacheDir, conn.url, digest);
  return { parts_total: plan.length, parts_resumed: plan.length - todo.length, parts_sent: todo.length };
}
