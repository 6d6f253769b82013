import { createRoute } from "@hono/zod-openapi";
import { requireRole } from "../../middleware/auth";
import { errorResponses, jsonBody, jsonResponse, VersionParamsSchema } from "../../schemas/common";
import { ImportVersionSchema, VersionSchema } from "../../schemas/versions";

export const importVersion = createRoute({
  method: "put",
  path: "/admin/imports/models/{name}/versions/{version}",
  tags: ["imports"],
  summary: "Import a version under its original number (admin; used by `registry import-mlflow`)",
  description:
    "Only numbers above every number the model has allocated are accepted (numbers are never reused); " +
    "the numbers skipped count as taken. Repeating an identical import answers 200 with the version " +
    "already there, so an interrupted import can simply run again. Audited as `model_version.imported`.",
  middleware: [requireRole("admin")] as const,
  request: { params: VersionParamsSchema, body: jsonBody(ImportVersionSchema) },
  responses: {
    201: jsonResponse(VersionSchema, "Imported"),
    200: jsonResponse(VersionSchema, "Already imported by an earlier run"),
    ...errorResponses,
  },
});
