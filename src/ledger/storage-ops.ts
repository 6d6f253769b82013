/**
 * The audit record of a storage repair (issue 16): the scrub found a copy of an object missing or
 * holding other bytes and rewrote it from the good copy, or found no good copy at all. Objects belong
 * to no model (a chunk may serve many), so the entry goes on the `system` chain like tokens, with
 * the replica bookkeeping it changes in the same batch.
 */
import type { Db } from "../db/client";
import { forgetReplicaRow, replicaRow } from "../db/repos/replica-repo";

/** The two R2 copies (src/storage/replica.ts). */
type Copy = "primary" | "replica";

import type { Change, LedgerResult } from "./ledger-types";
import { SYSTEM_CHAIN } from "./token-ops";

export interface StorageRepair {
  hex: string;
  size: number;
  /** What each copy held when the scrub looked. */
  found: Record<Copy, "good" | "bad" | "missing">;
  /** The copy rewritten from the other one; null when neither copy was good (the object is lost). */
  repaired: Copy | null;
}

export function decideStorageRepair(
  db: Db,
  repair: StorageRepair,
  now: number,
): LedgerResult<Change<StorageRepair>> {
  const lost = repair.repaired === null;
  return {
    ok: true,
    value: {
      // Both copies hold the object again; or the replica is known not to.
      statements: [
        lost ? forgetReplicaRow(db, repair.hex) : replicaRow(db, { hex: repair.hex, size: repair.size }, now),
      ],
      chain: SYSTEM_CHAIN,
      modelName: null,
      action: lost ? "storage.object_lost" : "storage.repaired",
      target: `blob:sha256:${repair.hex}`,
      before: repair.found,
      after: lost
        ? { primary: repair.found.primary, replica: repair.found.replica }
        : { repaired: repair.repaired, from: repair.repaired === "primary" ? "replica" : "primary" },
      respond: async () => repair,
    },
  };
}
