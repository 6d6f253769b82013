import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../middleware/auth";
import { errorResponses, jsonBody, jsonResponse } from "../../schemas/common";

const SignInLinkSchema = z
  .object({
    path: z.string().openapi({ example: "/login?code=…" }),
    expires_at: z.string(),
  })
  .openapi("SignInLink");

export const createSignInLink = createRoute({
  method: "post",
  path: "/sign-in-links",
  tags: ["console"],
  summary: "A one-time link that signs a browser into the console as the calling token",
  description:
    "The link works once, for 15 minutes, and the session it starts acts with exactly the caller's token (same role, same scopes; revoking the token ends the session). `npm start` prints one for the admin.",
  middleware: [requireRole("read")] as const,
  request: { body: jsonBody(z.object({}).strict()) },
  responses: { 201: jsonResponse(SignInLinkSchema, "Created"), ...errorResponses },
});
