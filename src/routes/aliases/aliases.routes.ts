import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../middleware/auth";
import { AliasParamsSchema, SetAliasSchema } from "../../schemas/aliases";
import { errorResponses, jsonBody, jsonResponse } from "../../schemas/common";
import { VersionSchema } from "../../schemas/versions";

const tags = ["aliases"];
const ifMatch = z.object({
  "if-match": z
    .string()
    .optional()
    .openapi({ description: "Compare-and-set: the alias's ETag from a GET; 412 if it moved since." }),
});

export const setAlias = createRoute({
  method: "put",
  path: "/models/{name}/aliases/{alias}",
  tags,
  summary: "Point an alias at a version (create or move)",
  middleware: [requireRole("contributor")] as const,
  request: { params: AliasParamsSchema, body: jsonBody(SetAliasSchema), headers: ifMatch },
  responses: {
    200: jsonResponse(VersionSchema, "The version the alias now points to"),
    ...errorResponses,
    412: errorResponses[409],
  },
});

export const deleteAlias = createRoute({
  method: "delete",
  path: "/models/{name}/aliases/{alias}",
  tags,
  summary: "Delete an alias",
  middleware: [requireRole("contributor")] as const,
  request: { params: AliasParamsSchema, headers: ifMatch },
  responses: { 204: { description: "Deleted" }, ...errorResponses, 412: errorResponses[409] },
});

export const getAlias = createRoute({
  method: "get",
  path: "/models/{name}/aliases/{alias}",
  tags,
  summary: "Resolve an alias (`latest` and `production` are computed) to its version",
  description:
    "Answers with an ETag; send it back in If-None-Match to get 304 while the alias has not moved.",
  middleware: [requireRole("read")] as const,
  request: {
    params: AliasParamsSchema,
    headers: z.object({ "if-none-match": z.string().optional() }),
  },
  responses: {
    200: { ...jsonResponse(VersionSchema, "The version"), headers: z.object({ etag: z.string() }) },
    304: { description: "Not modified since the ETag in If-None-Match" },
    ...errorResponses,
  },
});
