import { createRoute } from "@hono/zod-openapi";
import { requireRole } from "../../middleware/auth";
import { AliasFileParamsSchema, VersionFileParamsSchema } from "../../schemas/artifacts";
import { downloadResponses } from "../blobs/download-responses";

const tags = ["files"];

/*
 * File paths contain slashes, so Hono must match the rest of the URL (`:path{.+}`). zod-openapi turns
 * `{path{.+}}` into exactly that; the documented form (`{path}`) is registered in files.index.ts.
 */

export const getVersionFile = createRoute({
  tags,
  middleware: [requireRole("read")] as const,
  responses: downloadResponses,
  hide: true,
  method: "get",
  path: "/models/{name}/versions/{version}/files/{path{.+}}",
  summary: "Download a file of a version by its manifest path",
  description:
    "Resolves path → digest through the version's manifest; `Cache-Control: private, immutable` (a version's files never change).",
  request: { params: VersionFileParamsSchema },
});

export const getAliasFile = createRoute({
  tags,
  middleware: [requireRole("read")] as const,
  responses: downloadResponses,
  hide: true,
  method: "get",
  path: "/models/{name}/aliases/{alias}/files/{path{.+}}",
  summary: "Download a file of the version an alias points to",
  description:
    "Short `max-age` (the alias can move); `ETag` is the file's digest, so pollers get 304 until it changes.",
  request: { params: AliasFileParamsSchema },
});
