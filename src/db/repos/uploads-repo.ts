/**
 * Multipart upload bookkeeping. Uploads are not model state (no ledger): each is owned by the token
 * that created it and moves through its states with conditional updates, so two callers racing to
 * complete or abort the same upload cannot both win.
 */
import { and, asc, eq, inArray, lt, or } from "drizzle-orm";
import type { Db } from "../client";
import { uploadParts, uploads } from "../schema";

export type UploadRow = typeof uploads.$inferSelect;
export type UploadPartRow = typeof uploadParts.$inferSelect;
export type UploadState = UploadRow["state"];

export async function insertUpload(db: Db, row: UploadRow): Promise<void> {
  await db.insert(uploads).values(row).run();
}

export async function findUpload(db: Db, id: string): Promise<UploadRow | undefined> {
  return db.select().from(uploads).where(eq(uploads.id, id)).get();
}

export async function listParts(db: Db, uploadId: string): Promise<UploadPartRow[]> {
  return db
    .select()
    .from(uploadParts)
    .where(eq(uploadParts.uploadId, uploadId))
    .orderBy(asc(uploadParts.partNumber))
    .all();
}

/** Records a part; uploading the same part number again replaces it (R2 keeps the latest too). */
export async function upsertPart(db: Db, row: UploadPartRow): Promise<void> {
  await db
    .insert(uploadParts)
    .values(row)
    .onConflictDoUpdate({
      target: [uploadParts.uploadId, uploadParts.partNumber],
      set: { etag: row.etag, size: row.size, uploadedAt: row.uploadedAt },
    })
    .run();
}

/**
 * Moves an upload from one of `from` to `to`; true when this caller made the move. A `completing`
 * upload older than `staleBefore` may be taken over (its completer died mid-way).
 */
export async function transitionUpload(
  db: Db,
  id: string,
  from: UploadState[],
  to: UploadState,
  now: number,
  staleBefore?: number,
): Promise<boolean> {
  const stale =
    staleBefore === undefined
      ? undefined
      : and(eq(uploads.state, "completing"), lt(uploads.updatedAt, staleBefore));
  const result = await db
    .update(uploads)
    .set({ state: to, updatedAt: now })
    .where(and(eq(uploads.id, id), or(inArray(uploads.state, from), stale)))
    .run();
  return result.meta.changes > 0;
}

/** Part rows are only needed while an upload is open; terminal states drop them. */
export async function deleteParts(db: Db, uploadId: string): Promise<void> {
  await db.delete(uploadParts).where(eq(uploadParts.uploadId, uploadId)).run();
}
