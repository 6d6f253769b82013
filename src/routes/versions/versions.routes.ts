import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../middleware/auth";
import {
  errorResponses,
  jsonBody,
  jsonResponse,
  ModelParamsSchema,
  PageQuerySchema,
  pageOf,
  TagParamsSchema,
  TagValueBodySchema,
  VersionParamsSchema,
} from "../../schemas/common";
import { CreateVersionSchema, UpdateVersionSchema, VersionSchema } from "../../schemas/versions";

const tags = ["versions"];

export const createVersion = createRoute({
  method: "post",
  path: "/models/{name}/versions",
  tags,
  summary: "Register a new version (allocates the next version number)",
  middleware: [requireRole("contributor")] as const,
  request: {
    params: ModelParamsSchema,
    body: jsonBody(CreateVersionSchema),
    headers: z.object({ "idempotency-key": z.string().optional() }),
  },
  responses: {
    201: { ...jsonResponse(VersionSchema, "Registered"), headers: z.object({ location: z.string() }) },
    200: jsonResponse(VersionSchema, "Replay of an earlier request with the same Idempotency-Key"),
    ...errorResponses,
  },
});

export const listVersions = createRoute({
  method: "get",
  path: "/models/{name}/versions",
  tags,
  summary: "List a model's versions, newest first",
  middleware: [requireRole("read")] as const,
  request: { params: ModelParamsSchema, query: PageQuerySchema },
  responses: {
    200: jsonResponse(pageOf(VersionSchema, "VersionPage"), "A page of versions"),
    ...errorResponses,
  },
});

export const getVersion = createRoute({
  method: "get",
  path: "/models/{name}/versions/{version}",
  tags,
  summary: "Get a version with its full metadata record",
  middleware: [requireRole("read")] as const,
  request: { params: VersionParamsSchema },
  responses: { 200: jsonResponse(VersionSchema, "The version"), ...errorResponses },
});

export const updateVersion = createRoute({
  method: "patch",
  path: "/models/{name}/versions/{version}",
  tags,
  summary: "Update a version's description",
  middleware: [requireRole("contributor")] as const,
  request: { params: VersionParamsSchema, body: jsonBody(UpdateVersionSchema) },
  responses: { 200: jsonResponse(VersionSchema, "The version"), ...errorResponses },
});

export const setVersionTag = createRoute({
  method: "put",
  path: "/models/{name}/versions/{version}/tags/{key}",
  tags,
  summary: "Set a version tag",
  middleware: [requireRole("contributor")] as const,
  request: { params: VersionParamsSchema.merge(TagParamsSchema), body: jsonBody(TagValueBodySchema) },
  responses: { 200: jsonResponse(VersionSchema, "The version"), ...errorResponses },
});

export const deleteVersionTag = createRoute({
  method: "delete",
  path: "/models/{name}/versions/{version}/tags/{key}",
  tags,
  summary: "Delete a version tag",
  middleware: [requireRole("contributor")] as const,
  request: { params: VersionParamsSchema.merge(TagParamsSchema) },
  responses: { 200: jsonResponse(VersionSchema, "The version"), ...errorResponses },
});
