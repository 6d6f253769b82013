import { createRouter } from "../../lib/create-router";
import * as approvalHandlers from "./approvals.handlers";
import * as approvalRoutes from "./approvals.routes";
import * as auditHandlers from "./audit.handlers";
import * as auditRoutes from "./audit.routes";
import * as policyHandlers from "./policy.handlers";
import * as policyRoutes from "./policy.routes";
import * as stageHandlers from "./stages.handlers";
import * as stageRoutes from "./stages.routes";

/** Stages, approvals, rollback, policy and audit (issue #4). */
export const governanceRouter = createRouter()
  .openapi(stageRoutes.transition, stageHandlers.transition)
  .openapi(stageRoutes.rollback, stageHandlers.rollback)
  .openapi(stageRoutes.signOffReview, stageHandlers.signOffReview)
  .openapi(policyRoutes.getPolicy, policyHandlers.getPolicy)
  .openapi(policyRoutes.setPolicy, policyHandlers.setPolicy)
  .openapi(approvalRoutes.requestApproval, approvalHandlers.requestApproval)
  .openapi(approvalRoutes.listApprovalRequests, approvalHandlers.listApprovalRequests)
  .openapi(approvalRoutes.getApprovalRequest, approvalHandlers.getApprovalRequest)
  .openapi(approvalRoutes.approve, approvalHandlers.approve)
  .openapi(approvalRoutes.reject, approvalHandlers.reject)
  .openapi(approvalRoutes.cancel, approvalHandlers.cancel)
  .openapi(auditRoutes.listAudit, auditHandlers.listAudit)
  .openapi(auditRoutes.verifyAudit, auditHandlers.verifyAudit);
