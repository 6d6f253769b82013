/**
 * The scrub (issue 16): every hour, re-hashes a rotating sample of serving objects (chunks and single
 * blobs of Production or protected-alias versions) in BOTH copies, and rewrites a missing or bad copy
 * from the good one (R2 verifies the digest on that write too). A repair, or an object with no good
 * copy left, is recorded on the audit log's system chain through the system ledger. The rotation's
 * cursor is kept in D1 (`scrub_cursor`), so successive runs cover every serving object in turn.
 * A read that had to fall back to the replica queues its object here at once (`scrub-object`).
 */
import { createDb } from "../db/client";
import {
  readScrubCursor,
  recordReplica,
  replicatedHexes,
  servingObjects,
  writeScrubCursor,
} from "../db/repos/replica-repo";
import { ledgerFor, SYSTEM_LEDGER } from "../ledger/ledger-client";
import type { StorageRepair } from "../ledger/storage-ops";
import { type CopyState, copyBetween, hashCopy } from "../storage/replica";

export const SCRUB_CRON = "41 * * * *";

/** Per run: at most this many objects and (about) this many bytes, re-hashed in both copies. */
export const SCRUB_LIMITS = { objects: 64, bytes: 512 * 1024 * 1024 } as const;

export type ScrubOutcome = "ok" | "replicated" | "repaired" | "lost";

const scrubContext = (now: number) => ({
  actor: { id: "scrub", name: "scrub" },
  requestId: `scrub-${now}`,
});

const label = (s: CopyState) => s.state;

/**
 * Re-hashes both copies of one object and repairs the bad one from the good one. An object the
 * replica never held (not yet replicated) is copied without an audit entry: that is replication,
 * not a repair.
 */
export async function scrubObject(env: Env, hex: string, now: number): Promise<ScrubOutcome> {
  const db = createDb(env.DB);
  const [primary, replica] = [await hashCopy(env, "primary", hex), await hashCopy(env, "replica", hex)];
  if (primary.state === "good" && replica.state === "good") {
    await recordReplica(db, { hex, size: primary.size }, now);
    return "ok";
  }
  const found: StorageRepair["found"] = { primary: label(primary), replica: label(replica) };
  let repair: StorageRepair;
  if (primary.state === "good") {
    const known = (await replicatedHexes(db, [hex])).has(hex);
    const wrote = await copyBetween(
      env,
      "primary",
      "replica",
      hex,
      replica.state === "bad" ? replica.etag : undefined,
    );
    if (!wrote) return "ok";
    if (!known && replica.state === "missing") {
      await recordReplica(db, { hex, size: primary.size }, now);
      return "replicated";
    }
    repair = { hex, size: primary.size, found, repaired: "replica" };
  } else if (replica.state === "good") {
    const wrote = await copyBetween(
      env,
      "replica",
      "primary",
      hex,
      primary.state === "bad" ? primary.etag : undefined,
    );
    // The object changed since we hashed it (a concurrent repair or a fresh upload): nothing to record.
    if (!wrote) return "ok";
    repair = { hex, size: replica.size, found, repaired: "primary" };
  } else {
    console.error(
      `scrub: no good copy of sha256:${hex} is left (primary ${found.primary}, replica ${found.replica})`,
    );
    repair = { hex, size: 0, found, repaired: null };
  }
  const recorded = await ledgerFor(env, SYSTEM_LEDGER).recordStorageRepair(repair, scrubContext(now));
  if (!recorded.ok)
    throw new Error(`scrub: recording the repair of sha256:${hex} failed: ${recorded.detail}`);
  return repair.repaired === null ? "lost" : "repaired";
}

export interface ScrubResult {
  checked: number;
  bytes: number;
  outcomes: Record<ScrubOutcome, number>;
  /** Where the next run resumes ("" = from the start). */
  cursor: string;
}

/** One scrub run over the next slice of serving objects (wrapping around at the end). */
export async function runScrub(
  env: Env,
  now: number,
  limits: { objects: number; bytes: number } = SCRUB_LIMITS,
): Promise<ScrubResult> {
  const db = createDb(env.DB);
  const after = await readScrubCursor(db);
  let sample = await servingObjects(db, { afterHex: after, limit: limits.objects });
  if (sample.length === 0 && after !== "") sample = await servingObjects(db, { limit: limits.objects });
  const result: ScrubResult = {
    checked: 0,
    bytes: 0,
    outcomes: { ok: 0, replicated: 0, repaired: 0, lost: 0 },
    cursor: "",
  };
  for (const object of sample) {
    if (result.checked > 0 && result.bytes + object.size > limits.bytes) break;
    result.outcomes[await scrubObject(env, object.hex, now)]++;
    result.checked++;
    result.bytes += object.size;
    result.cursor = object.hex;
  }
  await writeScrubCursor(db, result.cursor, now);
  return result;
}
