/**
 * Silent nodes (issue #19): the `stale` drift episode of a node that stopped reporting.
 *
 * The cron finds silent nodes; opening the episode is a change of the model's state (audited,
 * announced as `deployment.drift` with `reason: "stale"`), so the model's ledger decides it on fresh
 * state under its serial queue and records it in `deployments.stale_since`. That column is what
 * makes it once per episode: the next tick finds it set and does nothing. The node's next report
 * closes it (resolved event, same shape as a drift resolution) before that report is judged for drift.
 *
 * Heartbeats are written outside the ledger (deployment-report.ts), so one may land between this
 * decision and its batch: the node is then flagged although it has just reported. That cannot stick:
 * its next report sees the open episode and resolves it through the ledger.
 */
import { type Db, iso } from "../db/client";
import { findDeployment, type ReportRow, upsertReport } from "../db/repos/deployments-repo";
import type { ModelRow } from "../db/repos/models-repo";
import { setStale } from "../db/repos/silent-nodes-repo";
import { isStale } from "../domain/drift";
import { type Change, fail, type LedgerResult, nothingToWrite } from "./ledger-types";

export interface StaleOutcome {
  node_id: string;
  /** True when this call opened (or closed) the episode; false when there was nothing to do. */
  changed: boolean;
  stale_since: string | null;
}

/** Opens the node's stale episode if it is still silent at `asOf` and none is open. */
export async function decideMarkStale(
  db: Db,
  model: ModelRow,
  nodeId: string,
  asOf: number,
  staleAfterSeconds: number,
): Promise<LedgerResult<Change<StaleOutcome>>> {
  const row = await findDeployment(db, model.id, nodeId);
  if (!row) return fail("NOT_FOUND", `model '${model.name}' has no node '${nodeId}'`);
  if (row.staleSince !== null || !isStale(row.reportedAt, asOf, staleAfterSeconds)) {
    // Already flagged this episode, or it reported since the cron looked: nothing to raise.
    const since = row.staleSince === null ? null : iso(row.staleSince);
    return {
      ok: true,
      value: nothingToWrite(model.id, model.name, async () => ({
        node_id: nodeId,
        changed: false,
        stale_since: since,
      })),
    };
  }
  const node = { node_id: row.nodeId, environment: row.environment, alias: row.alias };
  const reported = { version: row.version, manifest_digest: row.manifestDigest, status: row.status };
  const silent = { last_reported_at: iso(row.reportedAt), stale_after_seconds: staleAfterSeconds };
  return {
    ok: true,
    value: {
      statements: [setStale(db, model.id, nodeId, asOf)],
      chain: model.id,
      modelName: model.name,
      action: "deployment.stale_started",
      target: `model:${model.name}/deployments/${nodeId}`,
      before: { stale: false },
      after: { stale: true, ...silent },
      event: {
        type: "deployment.drift",
        modelId: model.id,
        version: row.version,
        data: {
          state: "started",
          reason: "stale",
          ...node,
          reported,
          ...silent,
          before: { stale: false },
          after: { stale: true },
        },
      },
      respond: async () => ({ node_id: nodeId, changed: true, stale_since: iso(asOf) }),
    },
  };
}

/**
 * Closes the node's stale episode when it reports again: its heartbeat and the closing in one
 * batch with the audit entry and the resolved event. Nothing to write when no episode is open.
 */
export async function decideResolveStale(
  db: Db,
  model: ModelRow,
  row: ReportRow,
): Promise<LedgerResult<Change<StaleOutcome>>> {
  const existing = await findDeployment(db, model.id, row.nodeId);
  if (!existing || existing.staleSince === null) {
    return {
      ok: true,
      value: nothingToWrite(model.id, model.name, async () => ({
        node_id: row.nodeId,
        changed: false,
        stale_since: null,
      })),
    };
  }
  const node = { node_id: row.nodeId, environment: row.environment, alias: row.alias };
  const reported = { version: row.version, manifest_digest: row.manifestDigest, status: row.status };
  const silent = { stale_since: iso(existing.staleSince), last_reported_at: iso(existing.reportedAt) };
  return {
    ok: true,
    value: {
      statements: [upsertReport(db, row), setStale(db, model.id, row.nodeId, null)],
      chain: model.id,
      modelName: model.name,
      action: "deployment.stale_resolved",
      target: `model:${model.name}/deployments/${row.nodeId}`,
      before: { stale: true, ...silent },
      after: { stale: false },
      event: {
        type: "deployment.drift",
        modelId: model.id,
        version: row.version,
        data: {
          state: "resolved",
          reason: "stale",
          ...node,
          reported,
          ...silent,
          before: { stale: true },
          after: { stale: false },
        },
      },
      respond: async () => ({ node_id: row.nodeId, changed: true, stale_since: null }),
    },
  };
}
