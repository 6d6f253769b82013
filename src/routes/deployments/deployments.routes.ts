import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../middleware/auth";
import { errorResponses, jsonBody, jsonResponse, ModelParamsSchema } from "../../schemas/common";
import {
  DeploymentPageSchema,
  DeploymentReportSchema,
  DeploymentSchema,
  DeploymentsQuerySchema,
  FleetSummarySchema,
} from "../../schemas/serving";
import { requireReporter } from "./reporter-role";

const tags = ["serving"];
const bookmarkHeaders = z.object({ "x-d1-bookmark": z.string().optional() });
const withBookmark = bookmarkHeaders;

export const reportDeployment = createRoute({
  method: "post",
  path: "/models/{name}/deployments",
  tags,
  summary: "A serving node reports what it loaded (latest report per node wins)",
  description:
    "Judged against what the node's alias (or, without one, its environment's name) resolves to. " +
    "A report that opens or closes a drift episode raises `deployment.drift` once; heartbeats in between do not.",
  middleware: [requireReporter] as const,
  request: { params: ModelParamsSchema, body: jsonBody(DeploymentReportSchema), headers: bookmarkHeaders },
  responses: {
    200: { ...jsonResponse(DeploymentSchema, "The node as the registry now sees it"), headers: withBookmark },
    ...errorResponses,
  },
});

export const listDeployments = createRoute({
  method: "get",
  path: "/models/{name}/deployments",
  tags,
  summary: "Nodes running this model: what they run, what they should run, drift, staleness",
  middleware: [requireRole("read")] as const,
  request: { params: ModelParamsSchema, query: DeploymentsQuerySchema, headers: bookmarkHeaders },
  responses: {
    200: { ...jsonResponse(DeploymentPageSchema, "Nodes by node id"), headers: withBookmark },
    ...errorResponses,
  },
});

export const fleetSummary = createRoute({
  method: "get",
  path: "/deployments/summary",
  tags,
  summary: "Fleet summary across the models the token may see: nodes in sync, drifted, stale",
  middleware: [requireRole("read")] as const,
  request: { query: DeploymentsQuerySchema, headers: bookmarkHeaders },
  responses: {
    200: { ...jsonResponse(FleetSummarySchema, "Counts per model and in total"), headers: withBookmark },
    ...errorResponses,
  },
});
