/**
 * The release policy's `signature_compatibility` as gates (issue #19): which edges it guards and
 * what it names in `failed_gates`. Pure: the ledger builds the reports (compareSignatures) against
 * the Production version and the previous version, and this decides.
 */
import type { Stage, TransitionKind } from "./lifecycle";
import type { FailedGate, SignatureCompatibility } from "./policy";
import type { CompatReport } from "./signature-compat";
import { hasBreakingChange } from "./signature-compat";

/** One comparison: the other version, why it matters, and the report (null = nothing to compare). */
export interface CompatAgainst {
  against: "production" | "previous";
  version: number;
  report: CompatReport;
}

/**
 * True when the policy judges this edge. `no_breaking` guards None→Staging and every road to
 * Production (plain, the approval's promotion, fast-track); `no_breaking_without_approval` guards
 * only the fast-track, the one road to Production that skips approvers.
 */
export function compatibilityGuards(
  mode: SignatureCompatibility,
  edge: { from: Stage; to: Stage; kind: TransitionKind | "request" },
): boolean {
  if (mode === "any") return false;
  if (mode === "no_breaking_without_approval") return edge.kind === "fast_track";
  return edge.to === "Staging" || edge.to === "Production";
}

/** One failed gate per comparison that breaks callers, labelled `signature:no_breaking@production`. */
export function compatibilityFailures(comparisons: CompatAgainst[]): FailedGate[] {
  return comparisons
    .filter((c) => hasBreakingChange(c.report))
    .map((c) => ({
      gate: `signature:no_breaking@${c.against}`,
      actual: null,
      message: `breaking signature change against the ${c.against === "production" ? "Production" : "previous"} version ${c.version}: ${c.report.reasons.join("; ")}`,
    }));
}
