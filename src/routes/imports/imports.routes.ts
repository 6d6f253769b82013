import { createRoute } from "@hono/zod-openapi";
import { requireRole } from "../../middleware/auth";
import {
  errorResponses,
  jsonBody,
  jsonResponse,
  ModelParamsSchema,
  VersionParamsSchema,
} from "../../schemas/common";
import { ModelSchema } from "../../schemas/models";
import { DatasetsRestoredSchema, DatasetsRestoreSchema, ModelSnapshotSchema } from "../../schemas/snapshot";
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

export const exportModel = createRoute({
  method: "get",
  path: "/admin/export/models/{name}",
  tags: ["imports"],
  summary: "A model's whole stored record, audit chain included (admin; used by `registry export`)",
  middleware: [requireRole("admin")] as const,
  request: { params: ModelParamsSchema },
  responses: { 200: jsonResponse(ModelSnapshotSchema, "The model's record"), ...errorResponses },
});

export const restoreModel = createRoute({
  method: "post",
  path: "/admin/restore",
  tags: ["imports"],
  summary: "Write back an exported model exactly (admin; used by `registry import`)",
  description:
    "The name and id must be free. The audit chain is verified first (422 AUDIT_CHAIN_BROKEN names the " +
    "entry) and every file's blob must be stored; then all rows land in one batch, followed by a " +
    "`model.restored` audit entry linked to the restored head.",
  middleware: [requireRole("admin")] as const,
  request: { body: jsonBody(ModelSnapshotSchema) },
  responses: { 201: jsonResponse(ModelSchema, "Restored"), ...errorResponses },
});

// Issue 17: the dataset catalogue is registry-wide, so it is restored on its own, before the models.
export const restoreDatasets = createRoute({
  method: "post",
  path: "/admin/restore/datasets",
  tags: ["imports"],
  summary: "Write back an exported dataset catalogue (admin; used by `registry import`)",
  description:
    "Each entry keeps its id, owner, creator and creation time, and is registered through the system " +
    "ledger (audited as `dataset.registered`). An entry whose id is already here is skipped, so a " +
    "re-run resumes; another entry with the same uri and version is 409 DATASET_ALREADY_EXISTS.",
  middleware: [requireRole("admin")] as const,
  request: { body: jsonBody(DatasetsRestoreSchema) },
  responses: { 200: jsonResponse(DatasetsRestoredSchema, "Restored"), ...errorResponses },
});
