/**
 * The stage machine of a model version (DESIGN.md "Stage machine"). Pure: the ledger gathers the
 * facts (stage, role, approvals, failed gates) and this decides. Edges:
 *
 *   None ──gates──▶ Staging ──approved──▶ Production
 *     │               │                      │
 *     └───────────────┴──────▶ Archived ◀────┘      rollback: Archived ──▶ Production
 *   fast-track (admin, reason, flags needs_review): None|Staging ──▶ Production
 *
 * None → Archived is allowed so that candidates that never went anywhere can be retired.
 */
import type { ErrorCode } from "../lib/problem";
import type { FailedGate } from "./policy";
import { type Requirement, type Role, satisfies } from "./roles";

export const STAGE_NAMES = ["None", "Staging", "Production", "Archived"] as const;
export type Stage = (typeof STAGE_NAMES)[number];

/** How the change was asked for: a plain transition, the last approval, a fast-track, a rollback. */
export type TransitionKind = "transition" | "approval" | "fast_track" | "rollback";

export interface TransitionFacts {
  from: Stage;
  to: Stage;
  kind: TransitionKind;
  /** The caller's role; undefined for internal callers (jobs), which the routes never produce. */
  role: Role | undefined;
  /** The caller registered this version (contributors may archive their own candidates). */
  isCreator: boolean;
  /** An approval request for this version reached its required approvals. */
  approved: boolean;
  /** Gates the version fails; consulted only when it enters Staging or is fast-tracked from None. */
  failedGates: FailedGate[];
  /** Signature compatibility gates the edge fails; the ledger passes them only where the policy guards. */
  compatibilityFailures?: FailedGate[] | undefined;
  reason?: string | null | undefined;
}

export type TransitionVerdict =
  | { ok: true; needsReview: boolean }
  | { ok: false; code: ErrorCode; detail: string; failedGates?: FailedGate[] };

const EDGES: Record<TransitionKind, readonly (readonly [Stage, Stage])[]> = {
  transition: [
    ["None", "Staging"],
    ["Staging", "Production"],
    ["None", "Archived"],
    ["Staging", "Archived"],
    ["Production", "Archived"],
  ],
  approval: [["Staging", "Production"]],
  fast_track: [
    ["None", "Production"],
    ["Staging", "Production"],
  ],
  rollback: [["Archived", "Production"]],
};

const refuse = (code: ErrorCode, detail: string): TransitionVerdict => ({ ok: false, code, detail });
const allowed = (role: Role | undefined, needed: Requirement) =>
  role === undefined || satisfies(role, needed);

/** Who may take an edge, beyond the route's own minimum (contributor). */
function requiredRole(f: TransitionFacts): Requirement {
  if (f.kind === "fast_track") return "admin";
  if (f.kind === "rollback" || f.kind === "approval") return "approver";
  if (f.to === "Archived") return f.from === "Production" || !f.isCreator ? "approver" : "contributor";
  return "contributor";
}

export function decideTransition(f: TransitionFacts): TransitionVerdict {
  if (f.from === f.to) return refuse("ILLEGAL_TRANSITION", `the version is already in ${f.from}`);
  if (!EDGES[f.kind].some(([from, to]) => from === f.from && to === f.to)) {
    const how = f.kind === "transition" ? "" : ` by ${f.kind.replace("_", "-")}`;
    return refuse("ILLEGAL_TRANSITION", `${f.from} → ${f.to}${how} is not an edge of the stage machine`);
  }
  const needed = requiredRole(f);
  if (!allowed(f.role, needed)) {
    return refuse(
      "PERMISSION_DENIED",
      `${f.from} → ${f.to} needs the ${needed} role; your token has ${f.role}`,
    );
  }
  if (f.kind === "fast_track" && !f.reason?.trim()) {
    return refuse("INVALID_ARGUMENT", "a fast-track needs a reason (the comment) for the record");
  }
  if (f.kind === "transition" && f.to === "Production" && !f.approved) {
    return refuse(
      "APPROVAL_REQUIRED",
      "Staging → Production needs an approved approval request (POST …/approval-requests)",
    );
  }
  const gated = f.to === "Staging" || (f.kind === "fast_track" && f.from === "None");
  const failed = [...(gated ? f.failedGates : []), ...(f.compatibilityFailures ?? [])];
  if (failed.length > 0) {
    return {
      ok: false,
      code: "GATE_FAILED",
      detail: `the version fails ${failed.length} evaluation gate(s): ${failed.map((g) => g.gate).join(", ")}`,
      failedGates: failed,
    };
  }
  return { ok: true, needsReview: f.kind === "fast_track" };
}

/** True when an approval request may be opened for a version in `stage` towards `to`. */
export function canRequestApproval(stage: Stage, to: Stage): boolean {
  return stage === "Staging" && to === "Production";
}

/**
 * Issue 16: a version whose files the server has not finished hashing (PENDING_REGISTRATION) cannot
 * leave None; one whose files failed (FAILED_REGISTRATION) can only be retired to Archived. So nothing
 * unverified ever reaches Staging, Production or a rollback.
 */
export function registrationRefusal(status: string, to: Stage): string | null {
  if (status === "PENDING_REGISTRATION") {
    return "the version's files are still being verified (PENDING_REGISTRATION); it cannot leave None yet";
  }
  if (status === "FAILED_REGISTRATION" && to !== "Archived") {
    return "the version's files failed verification (FAILED_REGISTRATION); it can only be archived";
  }
  return null;
}
