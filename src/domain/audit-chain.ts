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

/** Recomputes a chain (entries in seq order) and reports the first broken link. */
export async function verifyChain(entries: (AuditContent & { hash: string })[]): Promise<ChainVerdict> {
  let prev = GENESIS_HASH;
  for (const [i, entry] of entries.entries()) {
    const expectedSeq = i + 1;
    if (entry.seq !== expectedSeq) {
      return { ok: false, entries: entries.length, broken_at_seq: expectedSeq, reason: "missing entry" };
    }
    if (entry.prevHash !== prev) {
      return { ok: false, entries: entries.length, broken_at_seq: entry.seq, reason: "prev_hash mismatch" };
    }
    if ((await auditHash(entry)) !== entry.hash) {
      return {
        ok: false,
        entries: entries.length,
        broken_at_seq: entry.seq,
        reason: "content hash mismatch",
      };
    }
    prev = entry.hash;
  }
  return { ok: true, entries: entries.length, head: prev };
}
