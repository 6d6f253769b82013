/**
 * Blob garbage collection, decided purely (issue #6). A blob is deleted only when no remaining
 * (non-purged) version references it AND it has been stored for the grace period AND it has been
 * seen unreferenced for the grace period. The "seen unreferenced" clock starts when a purge drops a
 * reference (the ledger marks the digests) or when a GC run first finds the blob unreferenced, so a
 * blob that a client just checked for (POST /blobs/check) and is about to register is not pulled
 * from under it. A referenced blob is never a candidate, whatever its marks say.
 */
import { DAY_MS } from "./retention";

export const BLOB_GC_GRACE_MS = DAY_MS;

export interface StoredBlob {
  hex: string;
  size: number;
  uploadedAt: number;
}

export interface BlobGcPlan {
  /** Blobs to delete now, with why. */
  delete: { hex: string; size: number; reason: string }[];
  /** Unreferenced blobs seen for the first time: their clock starts now. */
  mark: { hex: string; size: number }[];
  /** Marks to drop: the blob is referenced again, or no longer stored. */
  unmark: string[];
}

export function planBlobGc(
  stored: StoredBlob[],
  referenced: ReadonlySet<string>,
  marks: ReadonlyMap<string, number>,
  now: number,
  graceMs = BLOB_GC_GRACE_MS,
): BlobGcPlan {
  const plan: BlobGcPlan = { delete: [], mark: [], unmark: [] };
  const present = new Set<string>();
  for (const blob of stored) {
    present.add(blob.hex);
    const since = marks.get(blob.hex);
    if (referenced.has(blob.hex)) {
      if (since !== undefined) plan.unmark.push(blob.hex);
      continue;
    }
    if (since === undefined) {
      plan.mark.push({ hex: blob.hex, size: blob.size });
      continue;
    }
    const unreferencedFor = now - since;
    const storedFor = now - blob.uploadedAt;
    if (unreferencedFor >= graceMs && storedFor >= graceMs) {
      plan.delete.push({
        hex: blob.hex,
        size: blob.size,
        reason: `unreferenced for ${Math.floor(unreferencedFor / 3_600_000)} h (grace ${graceMs / 3_600_000} h)`,
      });
    }
  }
  for (const hex of marks.keys()) if (!present.has(hex)) plan.unmark.push(hex);
  return plan;
}
