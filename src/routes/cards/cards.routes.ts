import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../middleware/auth";
import { errorResponses, jsonResponse, VersionParamsSchema } from "../../schemas/common";
import { CardSchema, CompatibilitySchema } from "../../schemas/discovery";

const tags = ["cards"];

export const getCard = createRoute({
  method: "get",
  path: "/models/{name}/versions/{version}/card",
  tags,
  summary: "The version's model card (Mitchell et al. 2019), auto-filled from registry metadata",
  description: "Content negotiation: `Accept: text/markdown` (YAML front matter), `text/html`, else JSON.",
  middleware: [requireRole("read")] as const,
  request: { params: VersionParamsSchema },
  responses: {
    200: {
      description: "The card",
      content: {
        "application/json": { schema: CardSchema },
        "text/markdown": { schema: z.string() },
        "text/html": { schema: z.string() },
      },
    },
    ...errorResponses,
  },
});

export const getCompatibility = createRoute({
  method: "get",
  path: "/models/{name}/versions/{version}/compatibility",
  tags,
  summary: "Signature compatibility against the previous version and the Production version",
  middleware: [requireRole("read")] as const,
  request: { params: VersionParamsSchema },
  responses: {
    200: jsonResponse(CompatibilitySchema, "Added, removed, retyped, reshaped"),
    ...errorResponses,
  },
});
