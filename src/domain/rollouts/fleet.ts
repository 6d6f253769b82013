/**
 * The fleet as a rollout sees it: which nodes are on the canary, and what they should run. Pure.
 *
 * During a rollout a canary node should run the canary version, so its drift is judged against
 * that; a stable node is judged against the alias as before. The same rule decides drift episodes
 * (src/ledger/deployment-ops.ts) and the fleet view (src/db/repos/deployments-repo.ts).
 */
import type { DriftReason } from "../drift";
import { nodeBucket, onCanary } from "./bucket";

export interface ActiveRollout {
  id: string;
  alias: string;
  version: number;
  weight: number;
  /** Manifest digest of the canary version (null if it vanished). */
  canaryDigest: string | null;
}

interface NodeView {
  node_id: string;
  alias: string;
  version: number;
  drift: DriftReason | null;
  expected: { version: number; manifest_digest: string } | null;
  in_sync: boolean;
  digest_mismatch: boolean;
  rollout: { id: string; canary: boolean; version: number } | null;
}

/** Whether a node following `alias` of `model` is on this rollout's canary. */
export async function nodeOnCanary(
  model: string,
  rollout: Pick<ActiveRollout, "alias" | "weight">,
  nodeId: string,
): Promise<boolean> {
  return onCanary(await nodeBucket(model, rollout.alias, nodeId), rollout.weight);
}

/** Marks each node's rollout and re-judges canary nodes against the canary version. */
export async function withRollouts<V extends NodeView>(
  model: string,
  views: V[],
  rollouts: ActiveRollout[],
): Promise<V[]> {
  if (rollouts.length === 0) return views;
  const byAlias = new Map(rollouts.map((r) => [r.alias, r]));
  return Promise.all(
    views.map(async (view) => {
      const rollout = byAlias.get(view.alias);
      if (!rollout) return view;
      const canary = await nodeOnCanary(model, rollout, view.node_id);
      const marked = { ...view, rollout: { id: rollout.id, canary, version: rollout.version } };
      if (!canary || rollout.canaryDigest === null) return marked;
      // Integrity reasons are about what the node runs, not what it should run: they stay.
      const integrity = view.drift === "unknown_version" || view.drift === "digest_mismatch";
      const drift = integrity ? view.drift : view.version === rollout.version ? null : "version_mismatch";
      return {
        ...marked,
        expected: { version: rollout.version, manifest_digest: rollout.canaryDigest },
        drift,
        in_sync: drift === null,
      };
    }),
  );
}
