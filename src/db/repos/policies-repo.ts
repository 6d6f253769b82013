/** Release policies: one row per model, read by the ledger and the policy routes. */
import { eq } from "drizzle-orm";
import { DEFAULT_POLICY, type Policy } from "../../domain/policy";
import type { Db, Statement } from "../client";
import { policies } from "../schema";

export type PolicyRow = typeof policies.$inferSelect;

/** The model's policy, or the default when none was set. */
export async function readPolicy(db: Db, modelId: string): Promise<Policy & { is_default: boolean }> {
  const row = await db.select().from(policies).where(eq(policies.modelId, modelId)).get();
  if (!row) return { ...DEFAULT_POLICY, is_default: true };
  return {
    gates: row.gates,
    require: row.require,
    required_approvals: row.requiredApprovals,
    protected_aliases: row.protectedAliases,
    signature_compatibility: row.signatureCompatibility,
    registration_gates: row.registrationGates ?? null,
    require_registered_datasets: row.requireRegisteredDatasets,
    is_default: false,
  };
}

// ---- statement builders for the ModelLedger (the only writer) ----

export function upsertPolicy(db: Db, modelId: string, policy: Policy, now: number, by: string): Statement {
  const row = {
    modelId,
    gates: policy.gates,
    require: policy.require,
    requiredApprovals: policy.required_approvals,
    protectedAliases: policy.protected_aliases,
    signatureCompatibility: policy.signature_compatibility,
    registrationGates: policy.registration_gates,
    requireRegisteredDatasets: policy.require_registered_datasets,
    updatedAt: now,
    updatedBy: by,
  };
  return db
    .insert(policies)
    .values(row)
    .onConflictDoUpdate({ target: policies.modelId, set: { ...row, modelId: undefined } });
}

export function deletePolicy(db: Db, modelId: string): Statement {
  return db.delete(policies).where(eq(policies.modelId, modelId));
}
