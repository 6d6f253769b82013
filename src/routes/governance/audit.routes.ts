import { createRoute } from "@hono/zod-openapi";
import { requireRole } from "../../middleware/auth";
import { errorResponses, jsonResponse, ModelParamsSchema, pageOf } from "../../schemas/common";
import {
  AuditEntrySchema,
  AuditQuerySchema,
  VerifyQuerySchema,
  VerifyResultSchema,
} from "../../schemas/governance";

const tags = ["audit"];

export const listAudit = createRoute({
  method: "get",
  path: "/audit",
  tags,
  summary: "Audit entries, newest first (filter by model, actor, action, since)",
  description:
    "Scoped tokens see only their models' entries; entries that belong to no model (tokens, webhooks) are shown to unscoped admins only.",
  middleware: [requireRole("viewer")] as const,
  request: { query: AuditQuerySchema },
  responses: {
    200: jsonResponse(pageOf(AuditEntrySchema, "AuditPage"), "A page of entries"),
    ...errorResponses,
  },
});

export const verifyAudit = createRoute({
  method: "get",
  path: "/models/{name}/audit/verify",
  tags,
  summary: "Recompute the model's audit hash chain and report the first broken link",
  middleware: [requireRole("viewer")] as const,
  request: { params: ModelParamsSchema, query: VerifyQuerySchema },
  responses: { 200: jsonResponse(VerifyResultSchema, "The verdict"), ...errorResponses },
});
