import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../middleware/auth";
import { errorResponses, jsonBody, jsonResponse, pageOf } from "../../schemas/common";
import {
  CreateDatasetSchema,
  DatasetDetailSchema,
  DatasetIdParamsSchema,
  DatasetListQuerySchema,
  DatasetSchema,
} from "../../schemas/datasets";

const tags = ["datasets"];

export const registerDataset = createRoute({
  method: "post",
  path: "/datasets",
  tags,
  summary: "Register a dataset version in the catalogue (uri + version unique)",
  middleware: [requireRole("contributor")] as const,
  request: { body: jsonBody(CreateDatasetSchema) },
  responses: {
    201: { ...jsonResponse(DatasetSchema, "Registered"), headers: z.object({ location: z.string() }) },
    ...errorResponses,
  },
});

export const listDatasets = createRoute({
  method: "get",
  path: "/datasets",
  tags,
  summary: "Catalogued datasets, newest first (filter by uri)",
  middleware: [requireRole("read")] as const,
  request: { query: DatasetListQuerySchema },
  responses: {
    200: jsonResponse(pageOf(DatasetSchema, "DatasetPage"), "A page of datasets"),
    ...errorResponses,
  },
});

export const getDataset = createRoute({
  method: "get",
  path: "/datasets/{id}",
  tags,
  summary: "One catalogued dataset with the versions that used it",
  middleware: [requireRole("read")] as const,
  request: { params: DatasetIdParamsSchema },
  responses: { 200: jsonResponse(DatasetDetailSchema, "The dataset"), ...errorResponses },
});
