/**
 * The per-model audit hash chain. Each entry's hash covers its content and the previous entry's
 * hash (RFC 8785 canonical JSON, SHA-256), so editing or deleting any row breaks every later link.
 */
import canonicalize from "canonicalize";
import { sha256Hex } from "../lib/crypto";

export const GENESIS_HASH = "0".repeat(64);

export interface AuditContent {
  chain: string;
  seq: number;
  modelName: string | null;
  action: string;
  actor: string;
  target: string;
  before: unknown;
  after: unknown;
  reason: string | null;
  requestId: string;
  createdAt: number;
  prevHash: string;
}

export async function auditHash(entry: AuditContent): Promise<string> {
  const material = {
    chain: entry.chain,
    seq: entry.seq,
    model_name: entry.modelName,
    action: entry.action,
    actor: entry.actor,
    target: entry.target,
    before: entry.before ?? null,
    after: entry.after ?? null,
    reason: entry.reason,
    request_id: entry.requestId,
    created_at: entry.createdAt,
    prev_hash: entry.prevHash,
  };
  return sha256Hex(canonicalize(material) ?? "");
}

export type ChainVerdict =
  | { ok: true; entries: number; head: string }
  | { ok: false; entries: number; broken_at_seq: number; reason: string };

/** Where a verification stands: the last verified entry (seq 0 and the genesis hash before the first). */
export interface ChainPosition {
  seq: number;
  hash: string;
}

/**
 * Verifies the next entries of a chain after `from` (issue #19: long chains are verified page by
 * page in bounded memory and a verification can resume). `entries` counts entries verified so far.
 */
export async function verifySegment(
  from: ChainPosition,
  entries: (AuditContent & { hash: string })[],
): Promise<
  { ok: true; head: ChainPosition } | { ok: false; entries: number; broken_at_seq: number; reason: string }
> {
  let prev = from.hash;
  let seq = from.seq;
  for (const entry of entries) {
    const expectedSeq = seq + 1;
    const broken = (at: number, reason: string) => ({
      ok: false as const,
      entries: seq,
      broken_at_seq: at,
      reason,
    });
    if (entry.seq !== expectedSeq) return broken(expectedSeq, "missing entry");
    if (entry.prevHash !== prev) return broken(entry.seq, "prev_hash mismatch");
    if ((await auditHash(entry)) !== entry.hash) return broken(entry.seq, "content hash mismatch");
    prev = entry.hash;
    seq = entry.seq;
  }
  return { ok: true, head: { seq, hash: prev } };
}
