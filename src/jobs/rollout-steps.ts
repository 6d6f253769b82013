/**
 * The cron's part in progressive rollouts (issue 18): every active rollout whose step has lasted
 * its interval is handed to its model's ledger, which advances it only if every guard held (and
 * rolls it back if one is breached). Rollbacks do not wait for this: a breach reported by the
 * canary rolls back within that report (src/ledger/deployment-report.ts).
 */
import { createDb } from "../db/client";
import { dueRollouts } from "../db/repos/rollouts-repo";
import { ledgerFor } from "../ledger/ledger-client";

export interface RolloutStepOutcome {
  id: string;
  model: string;
  outcome: "advanced" | "completed" | "rolled_back" | "waiting" | "failed";
  weight?: number;
  detail?: string;
}

export async function stepRollouts(env: Env, now: number): Promise<RolloutStepOutcome[]> {
  const due = await dueRollouts(createDb(env.DB), now);
  const outcomes: RolloutStepOutcome[] = [];
  for (const { id, modelName } of due) {
    const ctx = { actor: { id: "cron", name: "cron" }, requestId: `cron-${now}-${id}` };
    try {
      const result = await ledgerFor(env, modelName).stepRollout(modelName, id, now, ctx);
      if (!result.ok) {
        outcomes.push({
          id,
          model: modelName,
          outcome: "waiting",
          detail: `${result.code}: ${result.detail}`,
        });
        continue;
      }
      const r = result.value;
      const outcome =
        r.status === "active" ? "advanced" : r.status === "completed" ? "completed" : "rolled_back";
      outcomes.push({ id, model: modelName, outcome, weight: r.weight });
    } catch (error) {
      outcomes.push({ id, model: modelName, outcome: "failed", detail: String(error) });
    }
  }
  return outcomes;
}
