/**
 * Multipart uploads of large blobs. Parts go into an R2 multipart upload staged at `uploads/<id>`
 * (never under `blobs/`). Completion assembles the staged object, streams it through
 * `crypto.DigestStream`, and only when the SHA-256 matches copies it to `blobs/sha256/<hex>` with a
 * verified, no-overwrite put. A mismatch deletes the staged bytes and answers 422 DIGEST_MISMATCH.
 */
import { createDb } from "../db/client";
import {
  deleteParts,
  findUpload,
  insertUpload,
  listParts,
  transitionUpload,
  type UploadRow,
  upsertPart,
} from "../db/repos/uploads-repo";
import { ARTIFACT_LIMITS, digestHex, expectedPartSize, planParts } from "../domain/artifacts";
import type { Actor } from "../domain/roles";
import { newId } from "../lib/ids";
import { ApiError } from "../lib/problem";
import { stagingKey } from "./blob-keys";
import { type Completion, publishUpload } from "./publish-upload";

/** A completer that has not finished after this long is presumed dead; another call may take over. */
const STALE_COMPLETION_MS = 15 * 60 * 1000;

export interface UploadView {
  id: string;
  digest: string;
  size: number;
  part_size: number;
  part_count: number;
  state: UploadRow["state"];
  parts: number[];
}

/**
 * Uploads belong to the principal that started them (any of its tokens may resume). Only that
 * principal writes parts or completes; an unscoped admin may also look at and abort one (cleaning
 * up), never add bytes to it. To everyone else an upload does not exist.
 */
async function ownUpload(env: Env, id: string, actor: Actor, use: "write" | "manage"): Promise<UploadRow> {
  const row = await findUpload(createDb(env.DB), id);
  const own = row?.createdBy === actor.id;
  const caretaker = use === "manage" && actor.role === "admin" && actor.scopes === null;
  if (!row || !(own || caretaker)) throw new ApiError("UPLOAD_NOT_FOUND", `no upload '${id}'`);
  return row;
}

const closed = (row: UploadRow) =>
  new ApiError("UPLOAD_CLOSED", `upload '${row.id}' is ${row.state}; start a new upload`);

export async function createUpload(
  env: Env,
  actor: Actor,
  input: { digest: string; size: number; part_size?: number | undefined },
): Promise<UploadView> {
  if (input.size > ARTIFACT_LIMITS.maxBlobBytes) {
    throw new ApiError("PAYLOAD_TOO_LARGE", `blobs are limited to ${ARTIFACT_LIMITS.maxBlobBytes} bytes`);
  }
  const plan = planParts(input.size, input.part_size);
  const id = newId("upl");
  const r2 = await env.BLOBS.createMultipartUpload(stagingKey(id));
  const now = Date.now();
  await insertUpload(createDb(env.DB), {
    id,
    digest: input.digest,
    size: input.size,
    partSize: plan.partSize,
    partCount: plan.partCount,
    r2UploadId: r2.uploadId,
    state: "open",
    createdBy: actor.id,
    createdAt: now,
    updatedAt: now,
  });
  return {
    id,
    digest: input.digest,
    size: input.size,
    part_size: plan.partSize,
    part_count: plan.partCount,
    state: "open",
    parts: [],
  };
}

export async function describeUpload(env: Env, actor: Actor, id: string): Promise<UploadView> {
  const row = await ownUpload(env, id, actor, "manage");
  const parts = await listParts(createDb(env.DB), id);
  return {
    id,
    digest: row.digest,
    size: row.size,
    part_size: row.partSize,
    part_count: row.partCount,
    state: row.state,
    parts: parts.map((p) => p.partNumber),
  };
}

/** Stores part `n`. Its length must be exactly what the plan says, so a truncated part never lands. */
export async function putPart(
  env: Env,
  actor: Actor,
  id: string,
  n: number,
  body: ReadableStream<Uint8Array>,
  length: number,
): Promise<{ part_number: number; size: number }> {
  const row = await ownUpload(env, id, actor, "write");
  if (row.state !== "open") throw closed(row);
  const expected = expectedPartSize(row.size, { partSize: row.partSize, partCount: row.partCount }, n);
  if (expected === null) {
    throw new ApiError("INVALID_ARGUMENT", `part numbers run 1..${row.partCount}; got ${n}`);
  }
  if (length !== expected) {
    throw new ApiError(
      "PART_SIZE_MISMATCH",
      `part ${n} must be ${expected} bytes; Content-Length says ${length}`,
    );
  }
  const fixed = new FixedLengthStream(length);
  const piping = body.pipeTo(fixed.writable).catch(() => undefined);
  let etag: string;
  try {
    const mpu = env.BLOBS.resumeMultipartUpload(stagingKey(id), row.r2UploadId);
    etag = (await mpu.uploadPart(n, fixed.readable)).etag;
  } catch (error) {
    // The R2 upload is gone: aborted or completed while this part was in flight.
    const now = await findUpload(createDb(env.DB), id);
    if (now && now.state !== "open") throw closed(now);
    throw error;
  } finally {
    await piping;
  }
  await upsertPart(createDb(env.DB), {
    uploadId: id,
    partNumber: n,
    etag,
    size: length,
    uploadedAt: Date.now(),
  });
  return { part_number: n, size: length };
}

/**
 * Verifies and publishes. Safe to call twice: a completed upload answers its result again; a
 * concurrent second call gets 409 while the first is still working.
 */
export async function completeUpload(env: Env, actor: Actor, id: string): Promise<Completion> {
  const db = createDb(env.DB);
  const row = await ownUpload(env, id, actor, "write");
  const hex = digestHex(row.digest);
  if (row.state === "completed")
    return { digest: row.digest, size: row.size, created: false, replayed: true };
  if (row.state === "failed" || row.state === "aborted") throw closed(row);
  const parts = await listParts(db, id);
  const plan = { partSize: row.partSize, partCount: row.partCount };
  const have = new Map(parts.map((p) => [p.partNumber, p]));
  const missing = Array.from({ length: row.partCount }, (_, i) => i + 1).filter(
    (n) => have.get(n)?.size !== expectedPartSize(row.size, plan, n),
  );
  if (missing.length > 0) {
    throw new ApiError(
      "UPLOAD_INCOMPLETE",
      `parts not uploaded yet: ${missing.slice(0, 20).join(", ")}`,
      missing.slice(0, 100).map((n) => ({ path: `parts.${n}`, message: "missing" })),
    );
  }
  const now = Date.now();
  if (!(await transitionUpload(db, id, ["open"], "completing", now, now - STALE_COMPLETION_MS))) {
    const current = await findUpload(db, id);
    if (current?.state === "completed")
      return { digest: row.digest, size: row.size, created: false, replayed: true };
    throw new ApiError(
      "CONCURRENT_MODIFICATION",
      `upload '${id}' is being completed by another request; retry`,
    );
  }
  return publishUpload(
    env,
    row,
    hex,
    parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag })),
  );
}

/** Drops the staged parts. Idempotent for an aborted upload; a completed one cannot be aborted. */
export async function abortUpload(env: Env, actor: Actor, id: string): Promise<void> {
  const db = createDb(env.DB);
  const row = await ownUpload(env, id, actor, "manage");
  if (row.state === "aborted") return;
  if (!(await transitionUpload(db, id, ["open", "failed"], "aborted", Date.now()))) {
    const current = await findUpload(db, id);
    if (current?.state === "aborted") return;
    throw new ApiError("UPLOAD_CLOSED", `upload '${id}' is ${current?.state}; it cannot be aborted`);
  }
  await env.BLOBS.resumeMultipartUpload(stagingKey(id), row.r2UploadId)
    .abort()
    .catch(() => undefined);
  await env.BLOBS.delete(stagingKey(id));
  await deleteParts(db, id);
}
