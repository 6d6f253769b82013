/**
 * Storage accounting (issue 16): what the remaining versions' files cost in R2, counted from D1 alone
 * (no R2 listing): logical bytes (every version's files, as clients see them) against stored bytes
 * (each distinct object once: chunks of chunked files, single blobs of the others).
 */
import { sql } from "drizzle-orm";
import { ARTIFACTS_PURGED } from "../../domain/retention";
import type { Db } from "../client";

export interface StorageCounts {
  versions: number;
  logical_bytes: number;
  files: number;
  chunked_files: number;
  stored_bytes: number;
  objects: number;
  chunks: number;
}

export async function storageCounts(db: Db, modelName: string | null): Promise<StorageCounts> {
  const byModel = modelName === null ? sql`` : sql`and m.name = ${modelName}`;
  const row = await db.get<StorageCounts>(sql`
    with vs as (
      select v.files, v.total_size from model_versions v join models m on m.id = v.model_id
      where v.status <> ${ARTIFACTS_PURGED} ${byModel}
    ),
    fl as (
      select distinct substr(json_extract(f.value, '$.digest'), 8) as hex, json_extract(f.value, '$.size') as size
      from vs, json_each(vs.files) f
    ),
    objects as (
      select c.chunk_hex as hex, c.size as size, 1 as chunk from fl join file_chunks c on c.file_hex = fl.hex
      union
      select fl.hex, fl.size, 0 from fl where not exists (select 1 from chunked_files cf where cf.hex = fl.hex)
    )
    select
      (select count(*) from vs) as versions,
      (select coalesce(sum(total_size), 0) from vs) as logical_bytes,
      (select count(*) from fl) as files,
      (select count(*) from fl where exists (select 1 from chunked_files cf where cf.hex = fl.hex)) as chunked_files,
      (select coalesce(sum(size), 0) from objects) as stored_bytes,
      (select count(*) from objects) as objects,
      (select count(*) from objects where chunk = 1) as chunks`);
  return (
    row ?? {
      versions: 0,
      logical_bytes: 0,
      files: 0,
      chunked_files: 0,
      stored_bytes: 0,
      objects: 0,
      chunks: 0,
    }
  );
}
