/**
 * Decisions for approval requests: open one for a Staging version, approve or reject it. Separation
 * of duties: nobody decides a request they opened or a version they registered. When the last
 * needed approval lands, the ledger promotes the version in a second batch (see model-ledger).
 */
import type { Db } from "../db/client";
import {
  type ApprovalRequestRow,
  decideRequest,
  findPendingRequest,
  insertRequest,
  insertVote,
  readRequestView,
  votesFor,
} from "../db/repos/approvals-repo";
import type { ModelRow } from "../db/repos/models-repo";
import { readPolicy } from "../db/repos/policies-repo";
import { findVersionRow, type VersionRow } from "../db/repos/versions-repo";
import { canRequestApproval } from "../domain/lifecycle";
import { satisfies } from "../domain/roles";
import { type CompatAgainst, compatibilityFailures, compatibilityGuards } from "../domain/signature-gate";
import { newId } from "../lib/ids";
import type { ApprovalRequestView } from "../schemas/governance";
import { compatibilityAgainst } from "./compatibility";
import { type Change, type ChangeContext, fail, type LedgerResult } from "./ledger-types";

/** What an approval request keeps of the compatibility reports (shown to approvers). */
function compatibilitySummary(comparisons: CompatAgainst[]) {
  return {
    breaking: comparisons.some((c) => c.report.breaking),
    comparisons: comparisons.map((c) => ({ against: c.against, version: c.version, ...c.report })),
  };
}

const requestView = (db: Db, id: string) => async () => {
  const found = await readRequestView(db, id);
  if (!found) throw new Error(`approval request ${id} vanished after commit`);
  return found;
};

export async function decideRequestApproval(
  db: Db,
  model: ModelRow,
  version: VersionRow,
  comment: string,
  ctx: ChangeContext,
  now: number,
): Promise<LedgerResult<Change<ApprovalRequestView>>> {
  if (!canRequestApproval(version.stage, "Production")) {
    return fail(
      "ILLEGAL_TRANSITION",
      `approval for Production can only be requested for a version in Staging; version ${version.version} is in ${version.stage}`,
    );
  }
  const pending = await findPendingRequest(db, model.id, version.version);
  if (pending) {
    return fail(
      "APPROVAL_ALREADY_PENDING",
      `version ${version.version} already has a pending request ${pending.id}`,
    );
  }
  const policy = await readPolicy(db, model.id);
  // Approvers see what the version breaks; under `no_breaking` a breaking version is refused here.
  const comparisons = await compatibilityAgainst(db, model.id, version);
  const edge = { from: version.stage, to: "Production" as const, kind: "request" as const };
  const failed = compatibilityGuards(policy.signature_compatibility, edge)
    ? compatibilityFailures(comparisons)
    : [];
  if (failed.length > 0) {
    return fail(
      "GATE_FAILED",
      `the version fails ${failed.length} evaluation gate(s): ${failed.map((g) => g.gate).join(", ")}`,
      failed.map((g) => ({ path: g.gate, message: g.message })),
      { failed_gates: failed },
    );
  }
  const compatibility = compatibilitySummary(comparisons);
  const id = newId("apr");
  const after = {
    id,
    status: "pending",
    to: "Production",
    required_approvals: policy.required_approvals,
    breaking: compatibility.breaking,
  };
  return {
    ok: true,
    value: {
      statements: [
        insertRequest(db, {
          id,
          modelId: model.id,
          version: version.version,
          toStage: "Production",
          requestedBy: ctx.actor.name,
          requesterId: ctx.actor.id,
          comment,
          status: "pending",
          requiredApprovals: policy.required_approvals,
          createdAt: now,
          compatibility,
        }),
      ],
      chain: model.id,
      modelName: model.name,
      action: "approval.requested",
      target: `model:${model.name}/versions/${version.version}/approval-requests/${id}`,
      before: null,
      after,
      event: {
        type: "approval.requested",
        modelId: model.id,
        version: version.version,
        data: { before: null, after, comment },
      },
      respond: requestView(db, id),
    },
  };
}

/** Why this caller may not decide this request, or null. */
function separationOfDuties(request: ApprovalRequestRow, version: VersionRow, ctx: ChangeContext) {
  if (request.requesterId === ctx.actor.id || request.requestedBy === ctx.actor.name) {
    return "the requester cannot decide their own approval request";
  }
  if (version.createdBy === ctx.actor.name) return "the version's author cannot decide its approval request";
  return null;
}

export async function decideVote(
  db: Db,
  model: ModelRow,
  request: ApprovalRequestRow,
  decision: "approve" | "reject",
  comment: string,
  ctx: ChangeContext,
  now: number,
): Promise<LedgerResult<Change<ApprovalRequestView>>> {
  if (ctx.role !== undefined && !satisfies(ctx.role, "approver")) {
    return fail(
      "PERMISSION_DENIED",
      `deciding approvals needs the approver role; your token has ${ctx.role}`,
    );
  }
  if (request.status !== "pending") {
    return fail("APPROVAL_NOT_PENDING", `approval request ${request.id} is already ${request.status}`);
  }
  const version = await findVersionRow(db, model.id, request.version);
  if (!version) return fail("VERSION_NOT_FOUND", `model '${model.name}' has no version ${request.version}`);
  const conflict = separationOfDuties(request, version, ctx);
  if (conflict) return fail("SELF_APPROVAL", conflict);
  const votes = await votesFor(db, [request.id]);
  if (votes.some((v) => v.approverId === ctx.actor.id)) {
    return fail("ALREADY_VOTED", `you already decided approval request ${request.id}`);
  }
  const approvals = votes.filter((v) => v.decision === "approve").length + (decision === "approve" ? 1 : 0);
  const status =
    decision === "reject" ? "rejected" : approvals >= request.requiredApprovals ? "approved" : "pending";
  const statements = [
    insertVote(db, {
      requestId: request.id,
      approverId: ctx.actor.id,
      approver: ctx.actor.name,
      decision,
      comment,
      createdAt: now,
    }),
  ];
  if (status !== "pending") statements.push(decideRequest(db, request.id, status, now));
  const type = decision === "approve" ? "approval.approved" : "approval.rejected";
  const before = { status: request.status, approvals: approvals - (decision === "approve" ? 1 : 0) };
  const after = { status, approvals, required_approvals: request.requiredApprovals };
  return {
    ok: true,
    value: {
      statements,
      chain: model.id,
      modelName: model.name,
      action: type,
      target: `model:${model.name}/versions/${request.version}/approval-requests/${request.id}`,
      before,
      after,
      event: {
        type,
        modelId: model.id,
        version: request.version,
        data: { request_id: request.id, before, after, comment },
      },
      respond: requestView(db, request.id),
    },
  };
}

/** The requester withdraws a pending request (issue #19); nobody else can. */
export async function decideCancelRequest(
  db: Db,
  model: ModelRow,
  request: ApprovalRequestRow,
  comment: string,
  ctx: ChangeContext,
  now: number,
): Promise<LedgerResult<Change<ApprovalRequestView>>> {
  if (request.requesterId !== ctx.actor.id) {
    return fail("PERMISSION_DENIED", "only the requester can cancel an approval request");
  }
  if (request.status !== "pending") {
    return fail("APPROVAL_NOT_PENDING", `approval request ${request.id} is already ${request.status}`);
  }
  const before = { status: "pending" };
  const after = { status: "cancelled" };
  return {
    ok: true,
    value: {
      statements: [decideRequest(db, request.id, "cancelled", now)],
      chain: model.id,
      modelName: model.name,
      action: "approval.cancelled",
      target: `model:${model.name}/versions/${request.version}/approval-requests/${request.id}`,
      before,
      after,
      event: {
        type: "approval.cancelled",
        modelId: model.id,
        version: request.version,
        data: { request_id: request.id, before, after, comment },
      },
      respond: requestView(db, request.id),
    },
  };
}
