/**
 * Second copies (issue 16): which objects serve (the chunks and single blobs of every Production or
 * protected-alias version), which of them the replica bucket holds, and the scrub's cursor.
 * Objects are not model state (a chunk may serve many models), so nothing here goes through a ledger.
 */
import { eq, inArray, sql } from "drizzle-orm";
import { ARTIFACTS_PURGED } from "../../domain/retention";
import { chunkRows, type Db } from "../client";
import { replicaObjects, scrubCursor } from "../schema";

export interface ServingObject {
  hex: string;
  size: number;
}

/**
 * Distinct objects of serving versions, ordered by hex, after `afterHex` (the scrub's rotation) and
 * optionally of one model (the replication job). A chunked file contributes its chunks, any other
 * file its own blob.
 */
export async function servingObjects(
  db: Db,
  opts: { model?: string; afterHex?: string; limit: number },
): Promise<ServingObject[]> {
  const byModel = opts.model === undefined ? sql`` : sql`and m.name = ${opts.model}`;
  return db.all<ServingObject>(sql`
    with serving as (
      select v.files from model_versions v join models m on m.id = v.model_id
      where v.status <> ${ARTIFACTS_PURGED} ${byModel} and (
        v.stage = 'Production' or exists (
          select 1 from aliases a, policies p, json_each(p.protected_aliases) pa
          where a.model_id = v.model_id and a.version = v.version
            and p.model_id = v.model_id and pa.value = a.alias))
    ),
    fl as (
      select distinct substr(json_extract(f.value, '$.digest'), 8) as hex, json_extract(f.value, '$.size') as size
      from serving s, json_each(s.files) f
    ),
    objects as (
      select c.chunk_hex as hex, c.size as size from fl join file_chunks c on c.file_hex = fl.hex
      union
      select fl.hex, fl.size from fl where not exists (select 1 from chunked_files cf where cf.hex = fl.hex)
    )
    select hex, size from objects where hex > ${opts.afterHex ?? ""} order by hex limit ${opts.limit}`);
}

/** Which of `hexes` the replica is recorded to hold. */
export async function replicatedHexes(db: Db, hexes: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const chunk of chunkRows(
    hexes.map((hex) => ({ hex })),
    1,
  )) {
    const rows = await db
      .select({ hex: replicaObjects.hex })
      .from(replicaObjects)
      .where(
        inArray(
          replicaObjects.hex,
          chunk.map((c) => c.hex),
        ),
      )
      .all();
    for (const r of rows) out.add(r.hex);
  }
  return out;
}

/** Records a verified copy in the replica (idempotent: a re-copy only refreshes the check time). */
export function replicaRow(db: Db, object: ServingObject, now: number) {
  return db
    .insert(replicaObjects)
    .values({ hex: object.hex, size: object.size, copiedAt: now, checkedAt: now })
    .onConflictDoUpdate({ target: replicaObjects.hex, set: { checkedAt: now } });
}

export async function recordReplica(db: Db, object: ServingObject, now: number): Promise<void> {
  await replicaRow(db, object, now).run();
}

export function forgetReplicaRow(db: Db, hex: string) {
  return db.delete(replicaObjects).where(eq(replicaObjects.hex, hex));
}

export async function forgetReplica(db: Db, hex: string): Promise<void> {
  await forgetReplicaRow(db, hex).run();
}

/** Bytes and objects the replica holds (for `GET /storage`); per model: its serving objects only. */
export async function replicaCounts(
  db: Db,
  modelName: string | null,
): Promise<{ replica_bytes: number; replica_objects: number }> {
  if (modelName === null) {
    const row = await db.get<{ b: number; n: number }>(
      sql`select coalesce(sum(size), 0) as b, count(*) as n from replica_objects`,
    );
    return { replica_bytes: row?.b ?? 0, replica_objects: row?.n ?? 0 };
  }
  const objects = await servingObjects(db, { model: modelName, limit: 1_000_000 });
  const held = await replicatedHexes(
    db,
    objects.map((o) => o.hex),
  );
  const copies = objects.filter((o) => held.has(o.hex));
  return { replica_bytes: copies.reduce((n, o) => n + o.size, 0), replica_objects: copies.length };
}

export async function readScrubCursor(db: Db): Promise<string> {
  return (await db.select().from(scrubCursor).where(eq(scrubCursor.id, 1)).get())?.afterHex ?? "";
}

export async function writeScrubCursor(db: Db, afterHex: string, now: number): Promise<void> {
  await db
    .insert(scrubCursor)
    .values({ id: 1, afterHex, updatedAt: now })
    .onConflictDoUpdate({ target: scrubCursor.id, set: { afterHex, updatedAt: now } })
    .run();
}
