import { createRoute } from "@hono/zod-openapi";
import { requireRole } from "../../middleware/auth";
import {
  errorResponses,
  jsonBody,
  jsonResponse,
  ModelParamsSchema,
  VersionParamsSchema,
} from "../../schemas/common";
import {
  RollbackBodySchema,
  RollbackResultSchema,
  SignOffBodySchema,
  TransitionBodySchema,
} from "../../schemas/governance";
import { VersionSchema } from "../../schemas/versions";

const tags = ["stages"];

export const transition = createRoute({
  method: "post",
  path: "/models/{name}/versions/{version}/transitions",
  tags,
  summary: "Move a version along the stage machine",
  description:
    "None→Staging through the policy's gates (422 GATE_FAILED names every failed gate); Staging→Production only with an approved request (409 APPROVAL_REQUIRED); Staging|Production→Archived. `fast_track` (admin, comment required) promotes without approvals and flags the version `needs_review`. Anything else is 409 ILLEGAL_TRANSITION.",
  middleware: [requireRole("contributor")] as const,
  request: { params: VersionParamsSchema, body: jsonBody(TransitionBodySchema) },
  responses: { 200: jsonResponse(VersionSchema, "The version in its new stage"), ...errorResponses },
});

export const rollback = createRoute({
  method: "post",
  path: "/models/{name}/rollback",
  tags,
  summary: "Put the previous Production version back and archive the current one",
  middleware: [requireRole("approver")] as const,
  request: { params: ModelParamsSchema, body: jsonBody(RollbackBodySchema) },
  responses: {
    200: jsonResponse(RollbackResultSchema, "What serves now and what was archived"),
    ...errorResponses,
  },
});

export const signOffReview = createRoute({
  method: "post",
  path: "/models/{name}/versions/{version}/review-sign-off",
  tags,
  summary: "Sign off a fast-tracked version's review (clears needs_review)",
  middleware: [requireRole("approver")] as const,
  request: { params: VersionParamsSchema, body: jsonBody(SignOffBodySchema) },
  responses: { 200: jsonResponse(VersionSchema, "The version"), ...errorResponses },
});
