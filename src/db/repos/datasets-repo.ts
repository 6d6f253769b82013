/**
 * The dataset catalogue (issue #19): registered dataset versions, the lookups registration and
 * lineage make against it, and the statement builder the (system) ledger batches.
 */
import { and, desc, eq, lt, or, type SQL } from "drizzle-orm";
import type { Dataset } from "../../domain/version-record";
import type { DatasetView } from "../../schemas/datasets";
import { type Db, iso, type Statement } from "../client";
import { datasets } from "../schema";

export type DatasetRow = typeof datasets.$inferSelect;

export function toDatasetView(row: DatasetRow): DatasetView {
  return {
    id: row.id,
    uri: row.uri,
    version: row.version === "" ? null : row.version,
    digest: row.digest,
    description: row.description,
    schema: row.schema ?? null,
    owner: row.owner,
    tags: row.tags,
    created_by: row.createdBy,
    created_at: iso(row.createdAt),
  };
}

export async function findDataset(db: Db, id: string): Promise<DatasetRow | undefined> {
  return db.select().from(datasets).where(eq(datasets.id, id)).get();
}

export async function findDatasetByUri(db: Db, uri: string, version: string) {
  return db
    .select()
    .from(datasets)
    .where(and(eq(datasets.uri, uri), eq(datasets.version, version)))
    .get();
}

/**
 * The catalogue entry a version's dataset reference names: same uri and version, and, when both
 * carry one, the same digest (a reference with another digest is another dataset).
 */
export async function catalogueEntryFor(db: Db, ref: Dataset): Promise<DatasetRow | undefined> {
  const row = await findDatasetByUri(db, ref.uri, ref.version ?? "");
  if (!row) return undefined;
  return ref.digest && row.digest && ref.digest !== row.digest ? undefined : row;
}

/** Newest first, keyset on (created_at, id). */
export async function listDatasets(
  db: Db,
  opts: { uri: string | undefined; pageSize: number; after: { createdAt: number; id: string } | null },
) {
  const after: SQL | undefined = opts.after
    ? or(
        lt(datasets.createdAt, opts.after.createdAt),
        and(eq(datasets.createdAt, opts.after.createdAt), lt(datasets.id, opts.after.id)),
      )
    : undefined;
  const rows = await db
    .select()
    .from(datasets)
    .where(and(opts.uri ? eq(datasets.uri, opts.uri) : undefined, after))
    .orderBy(desc(datasets.createdAt), desc(datasets.id))
    .limit(opts.pageSize + 1)
    .all();
  const page = rows.slice(0, opts.pageSize);
  return { items: page, last: rows.length > opts.pageSize ? (page.at(-1) ?? null) : null };
}

// ---- statement builder for the system ledger (the only writer) ----

export function insertDataset(db: Db, row: DatasetRow): Statement {
  return db.insert(datasets).values(row);
}
