import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../middleware/auth";
import { errorResponses, jsonBody, jsonResponse } from "../../schemas/common";
import { CreatePrincipalSchema, PrincipalSchema } from "../../schemas/principals";

const tags = ["tokens"];

export const createPrincipal = createRoute({
  method: "post",
  path: "/principals",
  tags,
  summary: "Create a principal (a person or a service account) that tokens can belong to",
  middleware: [requireRole("admin")] as const,
  request: { body: jsonBody(CreatePrincipalSchema) },
  responses: { 201: jsonResponse(PrincipalSchema, "Created"), ...errorResponses },
});

export const listPrincipals = createRoute({
  method: "get",
  path: "/principals",
  tags,
  summary: "List the principals within the caller's scopes",
  middleware: [requireRole("admin")] as const,
  responses: {
    200: jsonResponse(z.object({ items: z.array(PrincipalSchema) }), "Principals"),
    ...errorResponses,
  },
});
