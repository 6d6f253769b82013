/** Decision for a model's release policy (admin only; enforced by the route). */
import type { Db } from "../db/client";
import type { ModelRow } from "../db/repos/models-repo";
import { readPolicy, upsertPolicy } from "../db/repos/policies-repo";
import type { Policy } from "../domain/policy";
import type { PolicyView } from "../schemas/governance";
import type { Change, ChangeContext, LedgerResult } from "./ledger-types";

export async function decideSetPolicy(
  db: Db,
  model: ModelRow,
  policy: Policy,
  ctx: ChangeContext,
  now: number,
): Promise<LedgerResult<Change<PolicyView>>> {
  const { is_default, ...current } = await readPolicy(db, model.id);
  const before = is_default ? null : current;
  return {
    ok: true,
    value: {
      statements: [upsertPolicy(db, model.id, policy, now, ctx.actor.name)],
      chain: model.id,
      modelName: model.name,
      action: "policy.set",
      target: `model:${model.name}/policy`,
      before,
      after: policy,
      event: {
        type: "model.updated",
        modelId: model.id,
        version: null,
        data: { before: { policy: before }, after: { policy } },
      },
      respond: async () => ({ name: model.name, ...policy, is_default: false }),
    },
  };
}
