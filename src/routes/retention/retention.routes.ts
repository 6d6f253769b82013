import { createRoute } from "@hono/zod-openapi";
import { requireRole } from "../../middleware/auth";
import { errorResponses, jsonBody, jsonResponse, ModelParamsSchema } from "../../schemas/common";
import {
  RetentionPolicyInputSchema,
  RetentionPolicySchema,
  RetentionRunListSchema,
  RetentionRunSchema,
  RunQuerySchema,
  RunsQuerySchema,
  StaleMetadataQuerySchema,
  StaleMetadataReportSchema,
} from "../../schemas/retention";

const tags = ["retention"];

export const getRetention = createRoute({
  method: "get",
  path: "/models/{name}/retention",
  tags,
  summary: "The model's retention policy (the default, which never archives or purges, when none was set)",
  middleware: [requireRole("read")] as const,
  request: { params: ModelParamsSchema },
  responses: { 200: jsonResponse(RetentionPolicySchema, "The retention policy"), ...errorResponses },
});

export const setRetention = createRoute({
  method: "put",
  path: "/models/{name}/retention",
  tags,
  summary:
    "Replace the model's retention policy (keep_last, archive_after_days, purge_after_days, keep_tags)",
  middleware: [requireRole("admin")] as const,
  request: { params: ModelParamsSchema, body: jsonBody(RetentionPolicyInputSchema) },
  responses: { 200: jsonResponse(RetentionPolicySchema, "The retention policy"), ...errorResponses },
});

export const runRetention = createRoute({
  method: "post",
  path: "/admin/retention/run",
  tags,
  summary:
    "Run retention, blob GC and stale-upload cleanup now; with dry_run=true only say what it would do and why",
  middleware: [requireRole("admin")] as const,
  request: { query: RunQuerySchema },
  responses: { 200: jsonResponse(RetentionRunSchema, "The run's summary"), ...errorResponses },
});

export const listRuns = createRoute({
  method: "get",
  path: "/admin/retention/runs",
  tags,
  summary: "Summaries of past retention runs, newest first",
  middleware: [requireRole("admin")] as const,
  request: { query: RunsQuerySchema },
  responses: { 200: jsonResponse(RetentionRunListSchema, "Run summaries"), ...errorResponses },
});

export const staleMetadata = createRoute({
  method: "get",
  path: "/reports/stale-metadata",
  tags,
  summary:
    "Production versions whose description is older than older_than_days or copies the previous version's",
  middleware: [requireRole("read")] as const,
  request: { query: StaleMetadataQuerySchema },
  responses: { 200: jsonResponse(StaleMetadataReportSchema, "Flagged versions"), ...errorResponses },
});
