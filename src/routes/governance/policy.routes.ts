import { createRoute } from "@hono/zod-openapi";
import { requireRole } from "../../middleware/auth";
import { errorResponses, jsonBody, jsonResponse, ModelParamsSchema } from "../../schemas/common";
import { PolicyInputSchema, PolicySchema } from "../../schemas/governance";

const tags = ["policy"];

export const getPolicy = createRoute({
  method: "get",
  path: "/models/{name}/policy",
  tags,
  summary: "The model's release policy (the defaults when none was set)",
  middleware: [requireRole("read")] as const,
  request: { params: ModelParamsSchema },
  responses: { 200: jsonResponse(PolicySchema, "The policy"), ...errorResponses },
});

export const setPolicy = createRoute({
  method: "put",
  path: "/models/{name}/policy",
  tags,
  summary: "Replace the model's release policy (gates, required approvals, protected aliases)",
  middleware: [requireRole("admin")] as const,
  request: { params: ModelParamsSchema, body: jsonBody(PolicyInputSchema) },
  responses: { 200: jsonResponse(PolicySchema, "The policy"), ...errorResponses },
});
