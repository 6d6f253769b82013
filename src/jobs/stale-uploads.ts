/**
 * Stale multipart uploads (issue #6): an upload with no activity (row or part) for a day is aborted:
 * R2's multipart upload is aborted, staged bytes and part rows dropped, the row moved to `aborted`.
 * The move is conditional (open|failed → aborted), so a client completing at the same moment wins
 * or loses as a whole.
 */
import type { Db } from "../db/client";
import { staleUploads } from "../db/repos/blob-gc-repo";
import { deleteParts, transitionUpload } from "../db/repos/uploads-repo";
import { DAY_MS } from "../domain/retention";
import { abortStagedUpload } from "../storage/blob-gc-store";

export const STALE_UPLOAD_MS = DAY_MS;

export interface StaleUploadsResult {
  aborted: { id: string; digest: string; reason: string }[];
  failures: number;
}

export async function abortStaleUploads(
  env: Env,
  db: Db,
  opts: { now: number; dryRun: boolean },
): Promise<StaleUploadsResult> {
  const rows = await staleUploads(db, opts.now - STALE_UPLOAD_MS);
  const result: StaleUploadsResult = { aborted: [], failures: 0 };
  for (const row of rows) {
    const hours = Math.floor((opts.now - row.updatedAt) / 3_600_000);
    const entry = { id: row.id, digest: row.digest, reason: `${row.state} with no activity for ${hours} h` };
    if (opts.dryRun) {
      result.aborted.push(entry);
      continue;
    }
    try {
      if (!(await transitionUpload(db, row.id, ["open", "failed"], "aborted", Date.now()))) continue;
      await abortStagedUpload(env, row.id, row.r2UploadId);
      await deleteParts(db, row.id);
      result.aborted.push(entry);
    } catch (error) {
      console.warn(`could not abort stale upload ${row.id}`, error);
      result.failures++;
    }
  }
  return result;
}
