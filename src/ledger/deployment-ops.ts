/**
 * Decisions for deployment reports: whether a report opens or closes a node's drift episode.
 *
 * A drift episode starting or ending is a change of the model's state (it raises `deployment.drift`
 * through the outbox and is audited), so it is decided here, inside the model's ledger, on fresh
 * state and under its serial queue: two reports racing cannot both open an episode. A report that
 * changes no episode is a heartbeat: see `recordDeploymentReport` for why it need not come here.
 */
import type { Db } from "../db/client";
import {
  findDeployment,
  observe,
  type ReportRow,
  readDeployment,
  setDrift,
  upsertReport,
} from "../db/repos/deployments-repo";
import type { ModelRow } from "../db/repos/models-repo";
import { activeRollout } from "../db/repos/rollouts-repo";
import { DEFAULT_STALE_AFTER_SECONDS, driftReason, driftTransition, followedAlias } from "../domain/drift";
import { nodeOnCanary } from "../domain/rollouts/fleet";
import type { DeploymentReport, DeploymentView } from "../schemas/serving";
import { type Change, type LedgerResult, nothingToWrite } from "./ledger-types";

/** The row a report writes: what the node runs, which alias it follows, who reported it and when. */
export function reportRow(
  model: ModelRow,
  report: DeploymentReport,
  reportedBy: string,
  now: number,
): ReportRow {
  return {
    modelId: model.id,
    nodeId: report.node_id,
    environment: report.environment,
    alias: followedAlias(report),
    version: report.version,
    manifestDigest: report.manifest_digest,
    status: report.status,
    loadedAt: Date.parse(report.loaded_at),
    reportedAt: now,
    reportedBy,
    metrics: report.metrics ?? null,
  };
}

/**
 * Judges a report against the registry now: the drift reason and the episode edge it makes, if
 * any. A node on an active rollout's canary should run the canary version (issue 18); the rollout
 * and whether the node is on its canary come back too, for the guards.
 */
export async function judgeReport(db: Db, model: ModelRow, row: ReportRow) {
  const [existing, observed, rollout] = await Promise.all([
    findDeployment(db, model.id, row.nodeId),
    observe(db, model.id, row.alias, row.version),
    activeRollout(db, model.id, row.alias),
  ]);
  const canary = rollout ? await nodeOnCanary(model.name, rollout, row.nodeId) : false;
  const seen = canary && rollout ? { ...observed, expectedVersion: rollout.version } : observed;
  const reason = driftReason({
    reportedVersion: row.version,
    reportedDigest: row.manifestDigest,
    versionDigest: seen.versionDigest,
    expectedVersion: seen.expectedVersion,
  });
  return {
    reason,
    open: existing?.drift ?? null,
    /** When the node's `stale` episode (issue #19) opened; its report closes it, through the ledger. */
    staleSince: existing?.staleSince ?? null,
    seen,
    transition: driftTransition(existing?.drift ?? null, reason),
    canaryOf: canary ? rollout : undefined,
  };
}

export async function decideReportDeployment(
  db: Db,
  model: ModelRow,
  row: ReportRow,
  now: number,
): Promise<LedgerResult<Change<DeploymentView>>> {
  const view = async () => {
    const found = await readDeployment(db, model, row.nodeId, Date.now(), DEFAULT_STALE_AFTER_SECONDS);
    if (!found) throw new Error(`deployment ${model.name}/${row.nodeId} vanished after commit`);
    return found;
  };
  const { reason, open, seen, transition } = await judgeReport(db, model, { ...row, reportedAt: now });
  const heartbeat = upsertReport(db, { ...row, reportedAt: now });
  if (transition === null) {
    // No episode edge (the state moved under the caller's pre-check): a plain heartbeat, written
    // here without an audit entry or event, exactly as the fast path would have written it.
    return {
      ok: true,
      value: nothingToWrite(model.id, model.name, async () => {
        await heartbeat;
        return view();
      }),
    };
  }
  const node = { node_id: row.nodeId, environment: row.environment, alias: row.alias };
  const reported = { version: row.version, manifest_digest: row.manifestDigest, status: row.status };
  const expected = seen.expectedVersion === null ? null : { version: seen.expectedVersion };
  return {
    ok: true,
    value: {
      statements: [heartbeat, setDrift(db, model.id, row.nodeId, reason, now)],
      chain: model.id,
      modelName: model.name,
      action: transition === "started" ? "deployment.drift_started" : "deployment.drift_resolved",
      target: `model:${model.name}/deployments/${row.nodeId}`,
      before: { drift: open },
      after: { drift: reason, reported, expected },
      event: {
        type: "deployment.drift",
        modelId: model.id,
        version: row.version,
        data: {
          state: transition,
          reason: reason ?? open,
          ...node,
          reported,
          expected,
          before: { drift: open },
          after: { drift: reason },
        },
      },
      respond: view,
    },
  };
}
