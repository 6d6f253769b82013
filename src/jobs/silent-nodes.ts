/**
 * Silent nodes (issue #19): every trigger, nodes that have not reported for longer than the
 * threshold the deployments listing calls `stale` get a `deployment.drift` event with reason
 * `stale`, once per episode. Each is decided by its model's ledger (deployment-stale-ops.ts), which
 * records the episode so the next tick raises nothing; the node's next report resolves it.
 */
import { createDb } from "../db/client";
import { silentNodes } from "../db/repos/silent-nodes-repo";
import { DEFAULT_STALE_AFTER_SECONDS } from "../domain/drift";
import { ledgerFor } from "../ledger/ledger-client";

/**
 * Ledger calls per tick: each is a Durable Object subrequest, and the same trigger also sweeps the
 * outbox and steps rollouts. A larger silent fleet is flagged over the next ticks, longest silent first.
 */
export const SILENT_NODES_PER_TICK = 200;

export interface SilentNodesOutcome {
  flagged: number;
  unchanged: number;
  failed: number;
  /** More silent nodes than one tick handles: the rest wait for the next tick. */
  more: boolean;
}

export async function flagSilentNodes(
  env: Env,
  now: number,
  staleAfterSeconds = DEFAULT_STALE_AFTER_SECONDS,
  limit = SILENT_NODES_PER_TICK,
): Promise<SilentNodesOutcome> {
  const silent = await silentNodes(createDb(env.DB), now - staleAfterSeconds * 1000, limit + 1);
  const outcome: SilentNodesOutcome = { flagged: 0, unchanged: 0, failed: 0, more: silent.length > limit };
  for (const { modelName, nodeId } of silent.slice(0, limit)) {
    const ctx = { actor: { id: "cron", name: "cron" }, requestId: `cron-${now}-stale-${nodeId}` };
    try {
      const result = await ledgerFor(env, modelName).markNodeStale(
        modelName,
        nodeId,
        now,
        staleAfterSeconds,
        ctx,
      );
      if (result.ok && result.value.changed) outcome.flagged++;
      else if (result.ok || result.code === "NOT_FOUND" || result.code === "MODEL_NOT_FOUND")
        outcome.unchanged++;
      else outcome.failed++;
    } catch {
      outcome.failed++;
    }
  }
  return outcome;
}
