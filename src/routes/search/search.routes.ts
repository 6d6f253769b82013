import { createRoute } from "@hono/zod-openapi";
import { requireRole } from "../../middleware/auth";
import { errorResponses, jsonResponse, pageOf } from "../../schemas/common";
import { SearchVersionsQuerySchema } from "../../schemas/discovery";
import { VersionSchema } from "../../schemas/versions";

export const searchVersions = createRoute({
  method: "get",
  path: "/model-versions",
  tags: ["search"],
  summary: "Search versions across all models (MLflow filter syntax plus metrics, params, datasets)",
  description:
    "Default order: name ASC, version_number DESC. `order_by`: up to 3 of name, version_number, created_at, updated_at, metrics.<name>, each ASC|DESC. A bad filter answers 400 INVALID_FILTER with the position.",
  middleware: [requireRole("read")] as const,
  request: { query: SearchVersionsQuerySchema },
  responses: {
    200: jsonResponse(pageOf(VersionSchema, "VersionSearchPage"), "A page of matching versions"),
    ...errorResponses,
  },
});
