import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../middleware/auth";
import { errorResponses, jsonResponse, ModelParamsSchema } from "../../schemas/common";
import { ResolutionSchema, ResolveQuerySchema } from "../../schemas/serving";

const bookmark = z.string().optional().openapi({
  description:
    "D1 session bookmark from a previous response's x-d1-bookmark (read-your-writes with read replicas), or `first-primary`.",
});

export const resolveModel = createRoute({
  method: "get",
  path: "/models/{name}/resolve",
  tags: ["serving"],
  summary: "What a serving node should run: version, manifest and manifest digest in one round trip",
  description:
    "Poll with If-None-Match: the strong ETag is the manifest digest plus the version, so the answer is 304 " +
    "with no body until the alias (or stage) moves. `Cache-Control: private, no-cache`: caches must revalidate.",
  middleware: [requireRole("read")] as const,
  request: {
    params: ModelParamsSchema,
    query: ResolveQuerySchema,
    headers: z.object({ "if-none-match": z.string().optional(), "x-d1-bookmark": bookmark }),
  },
  responses: {
    200: {
      ...jsonResponse(ResolutionSchema, "What to run"),
      headers: z.object({ etag: z.string(), "x-d1-bookmark": z.string().optional() }),
    },
    304: { description: "The pointer has not moved since the ETag in If-None-Match" },
    ...errorResponses,
  },
});
