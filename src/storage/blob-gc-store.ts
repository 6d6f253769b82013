/**
 * R2 side of blob GC and stale-upload cleanup (issue #6). The only code that deletes a blob; the
 * decision which ones is made in src/domain/blob-gc-plan.ts and re-checked by src/jobs/blob-gc.ts.
 */
import type { StoredBlob } from "../domain/blob-gc-plan";
import { blobCacheKey, stagingKey } from "./blob-keys";
import { deleteBothCopies } from "./replica";

const BLOB_PREFIX = "blobs/sha256/";

/** Every stored blob with its size and upload time (R2 lists 1000 keys a page). */
export async function listStoredBlobs(env: Env): Promise<StoredBlob[]> {
  const out: StoredBlob[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.BLOBS.list({ prefix: BLOB_PREFIX, limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const object of page.objects) {
      out.push({
        hex: object.key.slice(BLOB_PREFIX.length),
        size: object.size,
        uploadedAt: object.uploaded.getTime(),
      });
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return out;
}

/** Deletes a blob from R2 (both copies, issue 16) and this location's edge cache. */
export async function deleteBlob(env: Env, hex: string): Promise<void> {
  await deleteBothCopies(env, hex);
  await caches.default.delete(blobCacheKey(hex)).catch(() => false);
}

/** Aborts an R2 multipart upload and drops anything staged under its key. */
export async function abortStagedUpload(env: Env, uploadId: string, r2UploadId: string): Promise<void> {
  await env.BLOBS.resumeMultipartUpload(stagingKey(uploadId), r2UploadId)
    .abort()
    .catch(() => undefined);
  await env.BLOBS.delete(stagingKey(uploadId));
}
