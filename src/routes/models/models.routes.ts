import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../middleware/auth";
import {
  errorResponses,
  jsonBody,
  jsonResponse,
  ModelParamsSchema,
  pageOf,
  TagParamsSchema,
  TagValueBodySchema,
} from "../../schemas/common";
import {
  CreateModelSchema,
  ListModelsQuerySchema,
  ModelSchema,
  UpdateModelSchema,
} from "../../schemas/models";

const tags = ["models"];
const idempotencyHeader = z.object({
  "idempotency-key": z.string().optional().openapi({
    description: "Retries with the same key answer the original result instead of creating again.",
  }),
});

export const createModel = createRoute({
  method: "post",
  path: "/models",
  tags,
  summary: "Register a model",
  middleware: [requireRole("contributor")] as const,
  request: { body: jsonBody(CreateModelSchema), headers: idempotencyHeader },
  responses: {
    201: { ...jsonResponse(ModelSchema, "Created"), headers: z.object({ location: z.string() }) },
    200: jsonResponse(ModelSchema, "Replay of an earlier request with the same Idempotency-Key"),
    ...errorResponses,
  },
});

export const listModels = createRoute({
  method: "get",
  path: "/models",
  tags,
  summary: "List models",
  middleware: [requireRole("read")] as const,
  request: { query: ListModelsQuerySchema },
  responses: { 200: jsonResponse(pageOf(ModelSchema, "ModelPage"), "A page of models"), ...errorResponses },
});

export const getModel = createRoute({
  method: "get",
  path: "/models/{name}",
  tags,
  summary: "Get a model",
  middleware: [requireRole("read")] as const,
  request: { params: ModelParamsSchema },
  responses: { 200: jsonResponse(ModelSchema, "The model"), ...errorResponses },
});

export const updateModel = createRoute({
  method: "patch",
  path: "/models/{name}",
  tags,
  summary: "Update a model's description",
  middleware: [requireRole("contributor")] as const,
  request: { params: ModelParamsSchema, body: jsonBody(UpdateModelSchema) },
  responses: { 200: jsonResponse(ModelSchema, "The updated model"), ...errorResponses },
});

export const deleteModel = createRoute({
  method: "delete",
  path: "/models/{name}",
  tags,
  summary: "Delete a model (refused while a version is in Staging or Production)",
  middleware: [requireRole("admin")] as const,
  request: { params: ModelParamsSchema },
  responses: { 204: { description: "Deleted" }, ...errorResponses },
});

export const setModelTag = createRoute({
  method: "put",
  path: "/models/{name}/tags/{key}",
  tags,
  summary: "Set a model tag",
  middleware: [requireRole("contributor")] as const,
  request: { params: ModelParamsSchema.merge(TagParamsSchema), body: jsonBody(TagValueBodySchema) },
  responses: { 200: jsonResponse(ModelSchema, "The model"), ...errorResponses },
});

export const deleteModelTag = createRoute({
  method: "delete",
  path: "/models/{name}/tags/{key}",
  tags,
  summary: "Delete a model tag",
  middleware: [requireRole("contributor")] as const,
  request: { params: ModelParamsSchema.merge(TagParamsSchema) },
  responses: { 200: jsonResponse(ModelSchema, "The model"), ...errorResponses },
});
