import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../middleware/auth";
import { errorResponses, jsonResponse } from "../../schemas/common";
import { StorageReportSchema } from "../../schemas/storage";

export const getStorage = createRoute({
  method: "get",
  path: "/storage",
  tags: ["blobs"],
  summary: "Storage accounting: logical vs stored bytes, chunks, dedup ratio, estimated R2 cost",
  description:
    "Counted from the metadata (no R2 listing). Without `model`: every model, admin only. With `model`: that model, for any reader in scope (shared chunks count in full for each model).",
  middleware: [requireRole("read")] as const,
  request: { query: z.object({ model: z.string().min(1).max(128).optional() }) },
  responses: { 200: jsonResponse(StorageReportSchema, "The report"), ...errorResponses },
});
