import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../middleware/auth";
import { errorResponses, jsonBody, jsonResponse, pageOf, VersionParamsSchema } from "../../schemas/common";
import {
  ApprovalIdParamsSchema,
  ApprovalListQuerySchema,
  ApprovalRequestBodySchema,
  ApprovalRequestSchema,
  DecisionBodySchema,
} from "../../schemas/governance";

const tags = ["approvals"];

export const requestApproval = createRoute({
  method: "post",
  path: "/models/{name}/versions/{version}/approval-requests",
  tags,
  summary: "Ask approvers to promote a Staging version to Production",
  middleware: [requireRole("contributor")] as const,
  request: { params: VersionParamsSchema, body: jsonBody(ApprovalRequestBodySchema) },
  responses: {
    201: { ...jsonResponse(ApprovalRequestSchema, "Opened"), headers: z.object({ location: z.string() }) },
    ...errorResponses,
  },
});

export const listApprovalRequests = createRoute({
  method: "get",
  path: "/approval-requests",
  tags,
  summary: "Approval requests, newest first (filter by status, model, requester and decider)",
  middleware: [requireRole("read")] as const,
  request: { query: ApprovalListQuerySchema },
  responses: {
    200: jsonResponse(pageOf(ApprovalRequestSchema, "ApprovalRequestPage"), "A page of requests"),
    ...errorResponses,
  },
});

export const getApprovalRequest = createRoute({
  method: "get",
  path: "/approval-requests/{id}",
  tags,
  summary: "One approval request with its votes",
  middleware: [requireRole("read")] as const,
  request: { params: ApprovalIdParamsSchema },
  responses: { 200: jsonResponse(ApprovalRequestSchema, "The request"), ...errorResponses },
});

const decide = (verb: "approve" | "reject", summary: string) =>
  createRoute({
    method: "post",
    path: `/approval-requests/{id}/${verb}`,
    tags,
    summary,
    middleware: [requireRole("approver")] as const,
    request: { params: ApprovalIdParamsSchema, body: jsonBody(DecisionBodySchema) },
    responses: { 200: jsonResponse(ApprovalRequestSchema, "The request"), ...errorResponses },
  });

export const approve = decide(
  "approve",
  "Approve (never your own request); the last needed approval promotes the version",
);
export const reject = decide("reject", "Reject (never your own request); closes the request");

export const cancel = createRoute({
  method: "post",
  path: "/approval-requests/{id}/cancel",
  tags,
  summary: "Withdraw your own pending request (only the requester may)",
  middleware: [requireRole("contributor")] as const,
  request: { params: ApprovalIdParamsSchema, body: jsonBody(DecisionBodySchema) },
  responses: { 200: jsonResponse(ApprovalRequestSchema, "The request"), ...errorResponses },
});
