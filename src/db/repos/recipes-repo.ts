/**
 * Recipes of chunked files (issue 16). Not model state (no ledger): a recipe belongs to a file digest,
 * not to a model, like a blob. Its status moves pending → verified | failed only by the server's own
 * hash of the assembled bytes (src/storage/chunked-files.ts); a failed recipe may be replaced.
 */
import { and, asc, eq, inArray, lt, sql } from "drizzle-orm";
import { ARTIFACTS_PURGED } from "../../domain/retention";
import { chunkRows, commitBatch, type Db, type Statement } from "../client";
import { chunkedFiles, fileChunks } from "../schema";

export type RecipeRow = typeof chunkedFiles.$inferSelect;
export type RecipeStatus = RecipeRow["status"];
export interface RecipeChunk {
  chunkHex: string;
  offset: number;
  size: number;
}

export async function findRecipe(db: Db, hex: string): Promise<RecipeRow | undefined> {
  return db.select().from(chunkedFiles).where(eq(chunkedFiles.hex, hex)).get();
}

export async function recipeChunks(db: Db, hex: string): Promise<RecipeChunk[]> {
  return db
    .select({ chunkHex: fileChunks.chunkHex, offset: fileChunks.offset, size: fileChunks.size })
    .from(fileChunks)
    .where(eq(fileChunks.fileHex, hex))
    .orderBy(asc(fileChunks.idx))
    .all();
}

/** Status and size of each file digest that has a recipe (hexes without one are absent). */
export async function recipeStatuses(db: Db, hexes: string[]): Promise<Map<string, RecipeRow>> {
  const out = new Map<string, RecipeRow>();
  for (const chunk of chunkRows(
    hexes.map((hex) => ({ hex })),
    1,
  )) {
    const rows = await db
      .select()
      .from(chunkedFiles)
      .where(
        inArray(
          chunkedFiles.hex,
          chunk.map((c) => c.hex),
        ),
      )
      .all();
    for (const row of rows) out.set(row.hex, row);
  }
  return out;
}

/** Writes a new recipe (replacing a failed one) as one atomic batch: all chunk rows or none. */
export async function writeRecipe(db: Db, row: RecipeRow, chunks: RecipeChunk[]): Promise<void> {
  const statements: Statement[] = [
    db.delete(chunkedFiles).where(and(eq(chunkedFiles.hex, row.hex), eq(chunkedFiles.status, "failed"))),
    db.insert(chunkedFiles).values(row),
    ...chunkRows(
      chunks.map((c, idx) => ({ fileHex: row.hex, idx, ...c })),
      5,
    ).map((rows) => db.insert(fileChunks).values(rows)),
  ];
  await commitBatch(db, statements);
}

/** pending → verified | failed; a no-op if another verifier got there first. */
export async function settleRecipe(
  db: Db,
  hex: string,
  status: "verified" | "failed",
  detail: string | null,
  now: number,
): Promise<boolean> {
  const result = await db
    .update(chunkedFiles)
    .set({ status, detail, verifiedAt: now })
    .where(and(eq(chunkedFiles.hex, hex), eq(chunkedFiles.status, "pending")))
    .run();
  return (result.meta.changes ?? 0) > 0;
}

/** Pending recipes nobody has settled since `cutoff` (deferred and never needed, a lost message, a crash). */
export async function stalePendingRecipes(db: Db, cutoff: number, limit = 100): Promise<string[]> {
  const rows = await db
    .select({ hex: chunkedFiles.hex })
    .from(chunkedFiles)
    .where(and(eq(chunkedFiles.status, "pending"), lt(chunkedFiles.createdAt, cutoff)))
    .limit(limit)
    .all();
  return rows.map((r) => r.hex);
}

/** Versions still PENDING_REGISTRATION, with their model names (the settle backstop). */
export async function pendingVersions(
  db: Db,
  fileHex?: string,
  limit = 100,
): Promise<{ model: string; version: number }[]> {
  const byFile = fileHex
    ? sql`and exists (select 1 from json_each(v.files) f where json_extract(f.value, '$.digest') = ${`sha256:${fileHex}`})`
    : sql``;
  return db.all<{ model: string; version: number }>(sql`
    select m.name as model, v.version as version from model_versions v join models m on m.id = v.model_id
    where v.status = 'PENDING_REGISTRATION' ${byFile} limit ${limit}`);
}

/** The still-pending chunked files a version names (hashed when the version is settled). */
export async function pendingFilesOf(db: Db, model: string, version: number): Promise<string[]> {
  const rows = await db.all<{ hex: string }>(sql`
    select distinct c.hex as hex from models m
    join model_versions v on v.model_id = m.id, json_each(v.files) f
    join chunked_files c on c.hex = substr(json_extract(f.value, '$.digest'), 8)
    where m.name = ${model} and v.version = ${version} and c.status = 'pending'`);
  return rows.map((r) => r.hex);
}

/** Chunk hexes of every recipe whose file a remaining (not purged) version references. */
export async function referencedChunkHexes(db: Db): Promise<Set<string>> {
  const rows = await db.all<{ hex: string }>(sql`
    select distinct c.chunk_hex as hex from file_chunks c
    where c.file_hex in (
      select substr(json_extract(f.value, '$.digest'), 8) from model_versions v, json_each(v.files) f
      where v.status <> ${ARTIFACTS_PURGED})`);
  return new Set(rows.map((r) => r.hex));
}

/** Does a remaining version reference a file that has this chunk? (The last look before a delete.) */
export async function chunkIsReferenced(db: Db, chunkHex: string): Promise<boolean> {
  const row = await db.get<{ n: number }>(sql`
    select exists (
      select 1 from file_chunks c, model_versions v, json_each(v.files) f
      where c.chunk_hex = ${chunkHex} and v.status <> ${ARTIFACTS_PURGED}
        and json_extract(f.value, '$.digest') = 'sha256:' || c.file_hex
    ) as n`);
  return Boolean(row?.n);
}

/** Drops the recipes that use a chunk GC is deleting (no remaining version names those files). */
export async function dropRecipesUsing(db: Db, chunkHex: string): Promise<void> {
  await db
    .delete(chunkedFiles)
    .where(
      inArray(
        chunkedFiles.hex,
        db.select({ hex: fileChunks.fileHex }).from(fileChunks).where(eq(fileChunks.chunkHex, chunkHex)),
      ),
    )
    .run();
}
