/**
 * Recording a serving node's deployment report: the fast path outside the Durable Object.
 *
 * Why ordinary reports do not go through the ModelLedger (invariant 3 still holds):
 * a fleet polls every few seconds, so routing every heartbeat through the model's one serial writer
 * would queue alias moves and promotions behind thousands of no-op reports, and fill the audit
 * log with polls. A heartbeat is not model state: it is the node's own account of itself, one row
 * per (model, node) that only that node's reports overwrite (latest wins; `upsertReport` ignores a
 * late older report), and it never touches a column the ledger owns. What IS model state — a drift
 * episode opening or closing, which is audited and raises `deployment.drift` — is decided only by
 * the ledger (`reportDeployment`), which re-judges the report on fresh state under its serial
 * queue. This pre-check only decides whether to ask it: if it misjudges because the state moved
 * meanwhile, the ledger finds no edge and writes the heartbeat alone, or the next report (seconds
 * later) sees the edge.
 */
import { commitBatch, type Db } from "../db/client";
import { upsertReport } from "../db/repos/deployments-repo";
import type { ModelRow } from "../db/repos/models-repo";
import type { DeploymentReport } from "../schemas/serving";
import { judgeReport, reportRow } from "./deployment-ops";
import { ledgerFor, unwrap } from "./ledger-client";
import type { ChangeContext } from "./ledger-types";
import { GUARD_ACTOR, judgeRollout } from "./rollout-guard-ops";

/**
 * Writes the report: directly if it is a heartbeat, through the model's ledger if it opens or
 * closes drift. Then, when the node is on an active rollout's canary and carried metrics, judges
 * the rollout's guards at once (issue 18): a breach rolls back within this very report, through
 * the ledger, which judges again on fresh state. Guards that hold or cannot decide cost no ledger
 * call, so canary heartbeats stay on the fast path.
 */
export async function recordDeploymentReport(
  env: Env,
  db: Db,
  model: ModelRow,
  report: DeploymentReport,
  ctx: ChangeContext,
): Promise<{ via: "heartbeat" | "ledger"; rolledBack: boolean }> {
  const row = reportRow(model, report, ctx.actor.name, Date.now());
  const { transition, staleSince, canaryOf } = await judgeReport(db, model, row);
  // A node back from silence closes its stale episode (issue #19): a model change, so the ledger.
  const edge = transition !== null || staleSince !== null;
  if (!edge) await commitBatch(db, [upsertReport(db, row)]);
  else unwrap(await ledgerFor(env, model.name).reportDeployment(model.name, report, ctx));
  const via = edge ? "ledger" : "heartbeat";
  if (!canaryOf || report.metrics === undefined || report.version !== canaryOf.version) {
    return { via, rolledBack: false };
  }
  const verdict = await judgeRollout(db, model, canaryOf, Date.now());
  if (verdict.verdict !== "breach") return { via, rolledBack: false };
  const guardCtx: ChangeContext = {
    actor: GUARD_ACTOR,
    requestId: ctx.requestId,
    reason: `canary health reported by ${report.node_id}`,
  };
  const judged = unwrap(
    await ledgerFor(env, model.name).checkRolloutGuards(model.name, canaryOf.id, guardCtx),
  );
  return { via, rolledBack: judged.status === "rolled_back" };
}
