/**
 * Blob GC (issue #6): deletes blobs that no remaining version references, after the grace period.
 * The decision is src/domain/blob-gc-plan.ts; here each delete is preceded by a last reference check
 * against D1, so a version registered since the plan was made keeps its blob.
 */
import { commitBatch, type Db } from "../db/client";
import {
  claimMark,
  isReferenced,
  markUnreferenced,
  readMarks,
  referencedDigests,
  unmark,
} from "../db/repos/blob-gc-repo";
import { chunkIsReferenced, dropRecipesUsing, referencedChunkHexes } from "../db/repos/recipes-repo";
import { forgetReplica } from "../db/repos/replica-repo";
import { type BlobGcPlan, planBlobGc, type StoredBlob } from "../domain/blob-gc-plan";
import { deleteBlob } from "../storage/blob-gc-store";

export interface BlobGcResult {
  deleted: { digest: string; size: number; reason: string }[];
  marked: number;
  bytesFreed: number;
  failures: number;
}

export async function collectBlobs(
  env: Env,
  db: Db,
  stored: StoredBlob[],
  opts: {
    now: number;
    dryRun: boolean;
    /** Runs between a blob's last reference check and its claim: lets a test force the race. */
    beforeClaim?: (hex: string) => Promise<void>;
  },
): Promise<BlobGcResult> {
  const marks = await readMarks(db);
  // Issue 16: a chunk lives while any remaining version names a file whose recipe uses it.
  const referenced = new Set([...(await referencedDigests(db)), ...(await referencedChunkHexes(db))]);
  const plan: BlobGcPlan = planBlobGc(stored, referenced, marks, opts.now);
  const result: BlobGcResult = { deleted: [], marked: plan.mark.length, bytesFreed: 0, failures: 0 };
  const describe = (b: { hex: string; size: number; reason: string }) => ({
    digest: `sha256:${b.hex}`,
    size: b.size,
    reason: b.reason,
  });
  if (opts.dryRun) {
    result.deleted = plan.delete.map(describe);
    result.bytesFreed = plan.delete.reduce((sum, b) => sum + b.size, 0);
    return result;
  }
  await commitBatch(db, markUnreferenced(db, plan.mark, opts.now));
  const unmarked = [...plan.unmark];
  for (const blob of plan.delete) {
    try {
      if ((await isReferenced(db, blob.hex)) || (await chunkIsReferenced(db, blob.hex))) {
        unmarked.push(blob.hex);
        continue;
      }
      await opts.beforeClaim?.(blob.hex);
      // A registration that took the blob since the check cleared its mark in its own batch: keep it.
      if (!(await claimMark(db, blob.hex, marks.get(blob.hex) ?? opts.now))) continue;
      await deleteBlob(env, blob.hex);
      await dropRecipesUsing(db, blob.hex);
      await forgetReplica(db, blob.hex);
      unmarked.push(blob.hex);
      result.deleted.push(describe(blob));
      result.bytesFreed += blob.size;
    } catch (error) {
      console.warn(`blob GC could not delete sha256:${blob.hex}`, error);
      result.failures++;
    }
  }
  await unmark(db, unmarked);
  return result;
}
