/**
 * Blob GC bookkeeping (issue #6): which digests remaining versions reference, the GC clock of
 * unreferenced blobs, and multipart uploads nobody has touched for a while.
 */
import { and, eq, inArray, lt, lte, notExists, or, sql } from "drizzle-orm";
import { ARTIFACTS_PURGED } from "../../domain/retention";
import { chunkRows, type Db, type Statement } from "../client";
import { fileChunks, unreferencedBlobs, uploadParts, uploads } from "../schema";
import type { UploadRow } from "./uploads-repo";

/**
 * Hex digests of every file of every version whose artifacts are not purged, across all models
 * (shared blobs are the normal case under content addressing).
 */
export async function referencedDigests(db: Db): Promise<Set<string>> {
  const rows = await db.all<{ digest: string }>(sql`
    select distinct json_extract(f.value, '$.digest') as digest
    from model_versions v, json_each(v.files) f
    where v.status <> ${ARTIFACTS_PURGED}`);
  return new Set(rows.map((r) => r.digest.replace(/^sha256:/, "")));
}

/** The last look before a delete: does any remaining version reference this blob right now? */
export async function isReferenced(db: Db, hex: string): Promise<boolean> {
  const row = await db.get<{ n: number }>(sql`
    select exists (
      select 1 from model_versions v, json_each(v.files) f
      where v.status <> ${ARTIFACTS_PURGED} and json_extract(f.value, '$.digest') = ${`sha256:${hex}`}
    ) as n`);
  return Boolean(row?.n);
}

export async function readMarks(db: Db): Promise<Map<string, number>> {
  const rows = await db.select().from(unreferencedBlobs).all();
  return new Map(rows.map((r) => [r.hex, r.since]));
}

/** Starts (or restarts) the GC clock of blobs: `since` only ever moves later, never earlier. */
export function markUnreferenced(db: Db, blobs: { hex: string; size: number }[], now: number): Statement[] {
  const rows = blobs.map((b) => ({ hex: b.hex, size: b.size, since: now }));
  return chunkRows(rows, 3).map((chunk) =>
    db
      .insert(unreferencedBlobs)
      .values(chunk)
      .onConflictDoUpdate({
        target: unreferencedBlobs.hex,
        set: { since: sql`max(${unreferencedBlobs.since}, excluded.since)` },
      }),
  );
}

/**
 * Registration clears the GC clock of every blob its manifest names, in its own ledger batch
 * (issue #19): a GC run that planned a delete before the registration then finds no mark and keeps
 * the blob (see collectBlobs' claim).
 */
export function clearGcMarks(db: Db, digests: string[]): Statement[] {
  const hexes = [...new Set(digests.map((d) => d.replace(/^sha256:/, "")))];
  // Each hex is bound twice: as a whole blob, and as a chunked file whose chunks' marks go too
  // (issue 16: a chunk lives while any recipe a version names uses it).
  return chunkRows(
    hexes.map((hex) => ({ hex })),
    2,
  ).map((chunk) => {
    const list = chunk.map((c) => c.hex);
    return db
      .delete(unreferencedBlobs)
      .where(
        or(
          inArray(unreferencedBlobs.hex, list),
          inArray(
            unreferencedBlobs.hex,
            db.select({ hex: fileChunks.chunkHex }).from(fileChunks).where(inArray(fileChunks.fileHex, list)),
          ),
        ),
      );
  });
}

/**
 * GC takes a blob's mark just before deleting it; false when the mark is gone or was restarted
 * (a registration or a newer sighting came first), and then the blob must stay.
 */
export async function claimMark(db: Db, hex: string, since: number): Promise<boolean> {
  const result = await db
    .delete(unreferencedBlobs)
    .where(and(eq(unreferencedBlobs.hex, hex), lte(unreferencedBlobs.since, since)))
    .run();
  return result.meta.changes > 0;
}

export async function unmark(db: Db, hexes: string[]): Promise<void> {
  for (const chunk of chunkRows(
    hexes.map((hex) => ({ hex })),
    1,
  )) {
    await db
      .delete(unreferencedBlobs)
      .where(
        inArray(
          unreferencedBlobs.hex,
          chunk.map((c) => c.hex),
        ),
      )
      .run();
  }
}

/**
 * Open (or failed) uploads with no activity since `cutoff`: neither the row nor any part changed.
 * A slow upload that is still sending parts is not stale.
 */
export async function staleUploads(db: Db, cutoff: number, limit = 500): Promise<UploadRow[]> {
  return db
    .select()
    .from(uploads)
    .where(
      and(
        inArray(uploads.state, ["open", "failed"]),
        lt(uploads.updatedAt, cutoff),
        notExists(
          db
            .select({ one: sql`1` })
            .from(uploadParts)
            .where(and(eq(uploadParts.uploadId, uploads.id), sql`${uploadParts.uploadedAt} >= ${cutoff}`)),
        ),
      ),
    )
    .limit(limit)
    .all();
}
