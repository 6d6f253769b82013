/**
 * The last step of a multipart upload: assemble the staged parts, stream them through
 * `crypto.DigestStream`, and only when the SHA-256 matches copy them to `blobs/sha256/<hex>` with a
 * verified, no-overwrite put (R2 checks the digest again). A mismatch deletes the staged bytes.
 * Two reads of the staged object, one write: R2 has no server-side copy, and verifying before the
 * write means the content address never holds unverified bytes, not even for a moment.
 */
import { createDb } from "../db/client";
import { deleteParts, transitionUpload, type UploadRow } from "../db/repos/uploads-repo";
import { toHex } from "../lib/crypto";
import { ApiError } from "../lib/problem";
import { stagingKey } from "./blob-keys";
import { type BlobWrite, blobSize, putVerifiedBlob } from "./blobs";

export type Completion = BlobWrite & { replayed: boolean };

/** SHA-256 of a stream, computed by the runtime's native DigestStream. */
async function sha256OfStream(body: ReadableStream<Uint8Array>): Promise<string> {
  const digester = new crypto.DigestStream("SHA-256");
  await body.pipeTo(digester);
  return toHex(await digester.digest);
}

export async function publishUpload(
  env: Env,
  row: UploadRow,
  hex: string,
  parts: R2UploadedPart[],
): Promise<Completion> {
  const db = createDb(env.DB);
  const staging = stagingKey(row.id);
  const finish = async (state: "completed" | "failed") => {
    await env.BLOBS.delete(staging);
    await deleteParts(db, row.id);
    await transitionUpload(db, row.id, ["completing"], state, Date.now());
  };
  if ((await blobSize(env, hex)) === row.size) {
    // Someone else already published these bytes: drop ours, nothing to verify or copy.
    await env.BLOBS.resumeMultipartUpload(staging, row.r2UploadId)
      .abort()
      .catch(() => undefined);
    await finish("completed");
    return { digest: row.digest, size: row.size, created: false, replayed: false };
  }
  try {
    await env.BLOBS.resumeMultipartUpload(staging, row.r2UploadId).complete(parts);
  } catch (error) {
    await transitionUpload(db, row.id, ["completing"], "open", Date.now());
    throw new ApiError(
      "UPLOAD_INCOMPLETE",
      `R2 refused to assemble the parts (re-upload them): ${(error as Error).message}`,
    );
  }
  const staged = await env.BLOBS.get(staging);
  if (!staged) throw new Error(`staged object ${staging} vanished before verification`);
  const actual = await sha256OfStream(staged.body);
  if (actual !== hex || staged.size !== row.size) {
    await finish("failed");
    throw new ApiError(
      "DIGEST_MISMATCH",
      `the assembled ${staged.size} bytes hash to sha256:${actual}, not ${row.digest}; nothing was published`,
    );
  }
  const again = await env.BLOBS.get(staging);
  if (!again) throw new Error(`staged object ${staging} vanished before publishing`);
  try {
    const written = await putVerifiedBlob(env, hex, again.body, row.size);
    await finish("completed");
    return { ...written, replayed: false };
  } catch (error) {
    // R2's own sha256 check refused the copy (the staged bytes changed under us): never publish.
    await finish("failed");
    throw error;
  }
}
