/** `registry push`: hash, upload what is missing, register the version, optionally set an alias. */

import { ok } from "../client";
import { type ChunkedFile, chunkFile } from "./chunk-file";
import { hashFile } from "./hash";
import { type Connection, RegistryError, registry } from "./http";
import { runPool } from "./pool";
import { createProgress } from "./progress";
import { boundsFor, type ChunkPushReport, pushChunkedFiles, waitForVerification } from "./push-chunks";
import { missingBlobs, uploadMultipart, uploadSingle } from "./upload";
import {
  buildVersionBody,
  idempotencyKeyFor,
  type ManifestFile,
  mediaTypeFor,
  type PushFlags,
} from "./version-body";
import { listFiles } from "./walk";

export interface PushOptions {
  flags: PushFlags;
  alias?: string;
  /** Files at least this large go multipart. */
  multipartThreshold: number;
  partSize?: number;
  /** Files at least this large are stored in chunks (issue 16); null = never (multipart instead). */
  chunkThreshold: number | null;
  /** The largest chunk (`--chunk-size`); the other bounds scale from it. */
  chunkSize: number;
  parallel: number;
  cacheDir: string;
  progress: boolean;
  idempotencyKey?: string;
  log: (line: string) => void;
}

export type PushReport = {
  name: string;
  version: number;
  manifest_digest: string;
  /** True when the server replayed an earlier identical push instead of creating a version. */
  replayed: boolean;
  alias: string | null;
  files: number;
  total_bytes: number;
  uploaded_files: number;
  uploaded_bytes: number;
  skipped_files: number;
  parts_resumed: number;
  parts_sent: number;
  /** READY, or FAILED_REGISTRATION when the server's hash of a chunked file did not match. */
  status: string;
  chunked_files: number;
} & ChunkPushReport;

async function ensureModel(conn: Connection, name: string, log: (line: string) => void): Promise<void> {
  try {
    await registry(conn).get("/api/v1/models/{name}", { params: { path: { name } }, retries: 2 });
  } catch (error) {
    if (!(error instanceof RegistryError) || error.code !== "MODEL_NOT_FOUND") throw error;
    try {
      await registry(conn).post("/api/v1/models", { body: { name } });
      log(`created model ${name}`);
    } catch (createError) {
      // Another push created it a moment ago: that is what we wanted.
      if (!(createError instanceof RegistryError) || createError.code !== "MODEL_ALREADY_EXISTS")
        throw createError;
    }
  }
}

export async function push(
  conn: Connection,
  name: string,
  root: string,
  options: PushOptions,
): Promise<PushReport> {
  const local = await listFiles(root);
  const totalBytes = local.reduce((n, f) => n + f.size, 0);

  // Every file is hashed whole first and checked in one call: an unchanged file (or one the
  // registry has under another name) costs its hashing and nothing else, chunked or not. Only
  // files the registry lacks are cut into chunks, which reads them a second time.
  const hashing = createProgress("hashing", totalBytes, options.progress);
  const manifest: (ManifestFile & { source: string })[] = [];
  try {
    for (const file of local) {
      const { digest, size } = await hashFile(file.source, (n) => hashing.add(n));
      manifest.push({
        source: file.source,
        path: file.path,
        digest,
        size,
        media_type: mediaTypeFor(file.path),
      });
    }
  } finally {
    hashing.stop();
  }

  await ensureModel(conn, name, options.log);
  const missing = await missingBlobs(
    conn,
    manifest.map((f) => f.digest),
  );
  const chunkThreshold = options.chunkThreshold;
  const toCut = [
    ...new Map(
      manifest
        .filter(
          (f) => missing.has(f.digest) && chunkThreshold !== null && f.size >= chunkThreshold && f.size > 0,
        )
        .map((f) => [f.digest, f]),
    ).values(),
  ];
  const chunked: (ChunkedFile & { source: string })[] = [];
  const cutting = createProgress(
    "chunking",
    toCut.reduce((n, f) => n + f.size, 0),
    options.progress,
  );
  try {
    for (const file of toCut) {
      const cut = await chunkFile(file.source, file.size, boundsFor(options.chunkSize), (n) =>
        cutting.add(n),
      );
      if (cut.digest !== file.digest) throw new Error(`${file.path} changed while being pushed; push again`);
      chunked.push({ ...cut, source: file.source });
    }
  } finally {
    cutting.stop();
  }
  // Identical files share a blob: upload each missing digest once.
  const chunkedDigests = new Set(chunked.map((f) => f.digest));
  const toSend = [
    ...new Map(
      manifest
        .filter((f) => missing.has(f.digest) && !chunkedDigests.has(f.digest))
        .map((f) => [f.digest, f]),
    ).values(),
  ];
  const chunkedToSend = [
    ...new Map(chunked.filter((f) => missing.has(f.digest)).map((f) => [f.digest, f])).values(),
  ];
  const sendBytes = toSend.reduce((n, f) => n + f.size, 0);
  const report = { parts_resumed: 0, parts_sent: 0 };
  const uploading = createProgress(
    "uploading",
    sendBytes + chunkedToSend.reduce((n, f) => n + f.size, 0),
    options.progress,
  );
  let chunkReport: ChunkPushReport = {
    chunks_total: 0,
    chunks_sent: 0,
    chunk_bytes_sent: 0,
    bytes_reused: 0,
  };
  try {
    chunkReport = await pushChunkedFiles(conn, chunkedToSend, options.parallel, (n) => uploading.add(n));
    const small = toSend.filter((f) => f.size < options.multipartThreshold);
    const large = toSend.filter((f) => f.size >= options.multipartThreshold);
    await runPool(small, options.parallel, async (f) => {
      await uploadSingle(conn, f.source, f.digest, f.size);
      uploading.add(f.size);
    });
    // Large files one at a time, each with `parallel` parts in flight.
    for (const f of large) {
      const parts = await uploadMultipart(conn, f.source, f.digest, f.size, {
        parallel: options.parallel,
        cacheDir: options.cacheDir,
        ...(options.partSize ? { partSize: options.partSize } : {}),
        onBytes: (n) => uploading.add(n),
      });
      report.parts_resumed += parts.parts_resumed;
      report.parts_sent += parts.parts_sent;
    }
  } finally {
    uploading.stop();
  }

  const body = buildVersionBody(
    manifest.map(({ source: _source, ...entry }) => entry),
    options.flags,
  );
  const key = options.idempotencyKey ?? idempotencyKeyFor(name, body);
  // The key (derived from the body, so a re-run of the same push replays) makes retries safe.
  const { data: version, response } = ok(
    await registry(conn).api.POST("/api/v1/models/{name}/versions", {
      params: { path: { name }, header: { "idempotency-key": key } },
      body,
    }),
  );
  const status =
    version.status === "PENDING_REGISTRATION"
      ? await waitForVerification(conn, name, version.version)
      : version.status;
  if (options.alias) {
    await registry(conn).put("/api/v1/models/{name}/aliases/{alias}", {
      params: { path: { name, alias: options.alias } },
      body: { version: version.version },
      retries: 2,
    });
  }
  return {
    name,
    version: version.version,
    manifest_digest: version.manifest_digest,
    replayed: response.status === 200,
    alias: options.alias ?? null,
    files: manifest.length,
    total_bytes: totalBytes,
    uploaded_files: toSend.length + chunkedToSend.length,
    uploaded_bytes: sendBytes + chunkReport.chunk_bytes_sent,
    skipped_files: manifest.length - manifest.filter((f) => missing.has(f.digest)).length,
    ...report,
    status,
    chunked_files: chunked.length,
    ...chunkReport,
  };
}
