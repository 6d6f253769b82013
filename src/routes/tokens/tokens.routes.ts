import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../middleware/auth";
import { errorResponses, jsonBody, jsonResponse } from "../../schemas/common";
import { CreatedTokenSchema, CreateTokenSchema, TokenParamsSchema, TokenSchema } from "../../schemas/tokens";

const tags = ["tokens"];

export const createToken = createRoute({
  method: "post",
  path: "/tokens",
  tags,
  summary: "Create an API token (the secret is shown once)",
  middleware: [requireRole("admin")] as const,
  request: { body: jsonBody(CreateTokenSchema) },
  responses: { 201: jsonResponse(CreatedTokenSchema, "Created"), ...errorResponses },
});

export const listTokens = createRoute({
  method: "get",
  path: "/tokens",
  tags,
  summary: "List tokens (never their secrets)",
  middleware: [requireRole("admin")] as const,
  responses: { 200: jsonResponse(z.object({ items: z.array(TokenSchema) }), "Tokens"), ...errorResponses },
});

export const revokeToken = createRoute({
  method: "delete",
  path: "/tokens/{id}",
  tags,
  summary: "Revoke a token",
  middleware: [requireRole("admin")] as const,
  request: { params: TokenParamsSchema },
  responses: { 200: jsonResponse(TokenSchema, "The revoked token"), ...errorResponses },
});
