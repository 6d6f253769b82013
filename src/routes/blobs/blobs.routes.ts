import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../middleware/auth";
import {
  BlobCheckResultSchema,
  BlobCheckSchema,
  BlobParamsSchema,
  BlobWrittenSchema,
} from "../../schemas/artifacts";
import { errorResponses, jsonBody, jsonResponse, ProblemSchema } from "../../schemas/common";
import { downloadResponses } from "./download-responses";

const tags = ["blobs"];
const problem = { "application/problem+json": { schema: ProblemSchema } };

const rangeHeaders = z.object({
  range: z.string().optional().openapi({ example: "bytes=0-1048575" }),
  "if-none-match": z.string().optional(),
});

export const checkBlobs = createRoute({
  method: "post",
  path: "/blobs/check",
  tags,
  summary: "Which of these blobs are missing? (upload only those)",
  middleware: [requireRole("contributor")] as const,
  request: { body: jsonBody(BlobCheckSchema) },
  responses: { 200: jsonResponse(BlobCheckResultSchema, "The missing digests"), ...errorResponses },
});

export const putBlob = createRoute({
  method: "put",
  path: "/blobs/{digest}",
  tags,
  summary: "Upload a blob in one request (verified; up to 95 MiB)",
  description:
    "The body is the raw bytes with a Content-Length. The server checks their SHA-256 before the blob exists: a mismatch answers 422 DIGEST_MISMATCH and stores nothing. Uploading bytes that are already stored is a no-op (200).",
  middleware: [requireRole("contributor")] as const,
  request: {
    params: BlobParamsSchema,
    body: {
      content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } },
      required: true,
    },
  },
  responses: {
    201: jsonResponse(BlobWrittenSchema, "Stored"),
    200: jsonResponse(BlobWrittenSchema, "Already stored; nothing was written"),
    411: { description: "Content-Length is required", content: problem },
    ...errorResponses,
  },
});

export const getBlob = createRoute({
  method: "get",
  path: "/blobs/{digest}",
  tags,
  summary: "Download a blob by digest (HEAD for its headers only)",
  middleware: [requireRole("read")] as const,
  request: { params: BlobParamsSchema, headers: rangeHeaders },
  responses: downloadResponses,
});
