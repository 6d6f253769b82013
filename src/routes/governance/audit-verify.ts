/**
 * Audit chain verification in pages (issue #19): a chain of any length is read `PAGE` entries at a
 * time (bounded memory) and one request verifies at most `max_entries`; past that it answers a
 * cursor naming the last verified entry, and the next request resumes there.
 */
import type { Db } from "../../db/client";
import { chainPage, entryHash } from "../../db/repos/audit-repo";
import { type ChainPosition, GENESIS_HASH, verifySegment } from "../../domain/audit-chain";
import { ApiError } from "../../lib/problem";

const PAGE = 500;

export function encodeVerifyCursor(p: ChainPosition): string {
  return `${p.seq}.${p.hash}`;
}

function decodeVerifyCursor(cursor: string | undefined): ChainPosition {
  if (cursor === undefined) return { seq: 0, hash: GENESIS_HASH };
  const match = /^([1-9][0-9]{0,15})\.([0-9a-f]{64})$/.exec(cursor);
  if (!match) {
    throw new ApiError("INVALID_ARGUMENT", "not a verification cursor", [
      { path: "query.cursor", message: "use the cursor a previous verification answered" },
    ]);
  }
  return { seq: Number(match[1]), hash: match[2] as string };
}

export async function verifyChainPaged(
  db: Db,
  chain: string,
  cursor: string | undefined,
  maxEntries: number,
) {
  let at = decodeVerifyCursor(cursor);
  if (at.seq > 0 && (await entryHash(db, chain, at.seq)) !== at.hash) {
    return {
      ok: false,
      entries: at.seq,
      broken_at_seq: at.seq,
      reason: "the entry under the cursor changed",
      complete: true,
    };
  }
  let verified = 0;
  while (verified < maxEntries) {
    const want = Math.min(PAGE, maxEntries - verified);
    const rows = await chainPage(db, chain, at.seq, want);
    const verdict = await verifySegment(at, rows);
    if (!verdict.ok) return { ...verdict, complete: true };
    at = verdict.head;
    verified += rows.length;
    if (rows.length < want) return { ok: true, entries: at.seq, head: at.hash, complete: true };
  }
  // Stopped at the limit: complete only if nothing follows.
  const more = (await chainPage(db, chain, at.seq, 1)).length > 0;
  return more
    ? { ok: true, entries: at.seq, head: at.hash, complete: false, cursor: encodeVerifyCursor(at) }
    : { ok: true, entries: at.seq, head: at.hash, complete: true };
}
