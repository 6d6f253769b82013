/**
 * What the release policy asks of a registration (issue #19): the registration gates (refuse, or
 * register as a `candidate`) and datasets that must be in the catalogue. Runs inside the model's
 * ledger, so a policy change and a registration never cross.
 */
import type { Db } from "../db/client";
import { catalogueEntryFor } from "../db/repos/datasets-repo";
import { evaluateGates, type Policy, VALIDATION_TAG } from "../domain/policy";
import type { CreateVersionInput } from "../schemas/versions";
import { fail, type LedgerResult } from "./ledger-types";

export interface RegistrationVerdict {
  /** The tags to write: the caller's, plus `validation_status` when registration gates apply. */
  tags: Record<string, string>;
  registrationGates: { passed: boolean; failed_gates: string[] } | null;
}

export async function registrationChecks(
  db: Db,
  policy: Policy,
  input: CreateVersionInput,
): Promise<LedgerResult<RegistrationVerdict>> {
  if (policy.require_registered_datasets && input.datasets.length > 0) {
    const found = await Promise.all(input.datasets.map((d) => catalogueEntryFor(db, d)));
    const missing = input.datasets.flatMap((d, i) => (found[i] ? [] : [{ d, i }]));
    if (missing.length > 0) {
      const name = (d: (typeof input.datasets)[number]) => `${d.uri}${d.version ? `@${d.version}` : ""}`;
      return fail(
        "DATASET_NOT_REGISTERED",
        `the policy needs every dataset in the catalogue (POST /api/v1/datasets); not registered: ${missing.map(({ d }) => name(d)).join(", ")}`,
        missing.map(({ d, i }) => ({
          path: `datasets.${i}`,
          message: `${name(d)}${d.digest ? ` (${d.digest})` : ""} is not in the dataset catalogue`,
        })),
      );
    }
  }
  const gates = policy.registration_gates;
  if (!gates) return { ok: true, value: { tags: input.tags, registrationGates: null } };
  const failed = evaluateGates(gates, {
    metrics: input.metrics,
    slices: input.slices,
    datasets: input.datasets,
    signature: input.signature ?? null,
    modelCard: input.model_card ?? null,
  });
  if (failed.length > 0 && gates.on_fail === "refuse") {
    return fail(
      "GATE_FAILED",
      `the version fails ${failed.length} registration gate(s): ${failed.map((g) => g.gate).join(", ")}`,
      failed.map((g) => ({ path: g.gate, message: g.message })),
      { failed_gates: failed },
    );
  }
  return {
    ok: true,
    value: {
      // The gates' verdict overrides whatever the caller claimed under the same key.
      tags: { ...input.tags, [VALIDATION_TAG]: failed.length > 0 ? "candidate" : "validated" },
      registrationGates: { passed: failed.length === 0, failed_gates: failed.map((g) => g.gate) },
    },
  };
}
