import { createRoute } from "@hono/zod-openapi";
import { requireRole } from "../../middleware/auth";
import { errorResponses, jsonResponse, pageOf, VersionParamsSchema } from "../../schemas/common";
import {
  DatasetModelsQuerySchema,
  DatasetParamsSchema,
  DatasetUsageSchema,
  LineageQuerySchema,
  LineageSchema,
} from "../../schemas/discovery";

const tags = ["lineage"];

export const getLineage = createRoute({
  method: "get",
  path: "/models/{name}/versions/{version}/lineage",
  tags,
  summary: "Lineage graph: upstream to datasets, run, commit and ancestors; downstream to derived versions",
  middleware: [requireRole("read")] as const,
  request: { params: VersionParamsSchema, query: LineageQuerySchema },
  responses: { 200: jsonResponse(LineageSchema, "Nodes and edges"), ...errorResponses },
});

export const listDatasetModels = createRoute({
  method: "get",
  path: "/datasets/{id}/models",
  tags,
  summary:
    "Every version trained or evaluated on a dataset (by digest, or by URL-encoded uri), with its stage",
  middleware: [requireRole("read")] as const,
  request: { params: DatasetParamsSchema, query: DatasetModelsQuerySchema },
  responses: {
    200: jsonResponse(pageOf(DatasetUsageSchema, "DatasetUsagePage"), "Versions that used the dataset"),
    ...errorResponses,
  },
});
