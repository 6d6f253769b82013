import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../middleware/auth";
import {
  BlobWrittenSchema,
  CreateUploadSchema,
  PartParamsSchema,
  PartWrittenSchema,
  UploadParamsSchema,
  UploadSchema,
} from "../../schemas/artifacts";
import { errorResponses, jsonBody, jsonResponse, ProblemSchema } from "../../schemas/common";

const tags = ["uploads"];
const problem = { "application/problem+json": { schema: ProblemSchema } };

export const createUpload = createRoute({
  method: "post",
  path: "/uploads",
  tags,
  summary: "Start a multipart upload of one blob (for blobs over the single-PUT limit)",
  description:
    "Answers the part size: every part but the last has exactly `part_size` bytes (≥ 5 MiB, R2's rule) and every part stays below the Workers request-body limit (95 MiB here).",
  middleware: [requireRole("contributor")] as const,
  request: { body: jsonBody(CreateUploadSchema) },
  responses: {
    201: { ...jsonResponse(UploadSchema, "Started"), headers: z.object({ location: z.string() }) },
    ...errorResponses,
  },
});

export const getUpload = createRoute({
  method: "get",
  path: "/uploads/{id}",
  tags,
  summary: "An upload and the parts received so far (resume after a crash)",
  middleware: [requireRole("contributor")] as const,
  request: { params: UploadParamsSchema },
  responses: { 200: jsonResponse(UploadSchema, "The upload"), ...errorResponses },
});

export const putPart = createRoute({
  method: "put",
  path: "/uploads/{id}/parts/{n}",
  tags,
  summary: "Upload part n (1-based; any order, in parallel; re-uploading replaces it)",
  middleware: [requireRole("contributor")] as const,
  request: {
    params: PartParamsSchema,
    body: {
      content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } },
      required: true,
    },
  },
  responses: {
    200: jsonResponse(PartWrittenSchema, "Stored"),
    411: { description: "Content-Length is required", content: problem },
    ...errorResponses,
  },
});

export const completeUpload = createRoute({
  method: "post",
  path: "/uploads/{id}/complete",
  tags,
  summary: "Verify the SHA-256 of the assembled bytes and publish the blob",
  description:
    "201 when this call published the blob; 200 when it was already published (a repeated call, or the same bytes uploaded by someone else). 422 DIGEST_MISMATCH when the bytes do not match: nothing is published and the staged bytes are deleted.",
  middleware: [requireRole("contributor")] as const,
  request: { params: UploadParamsSchema },
  responses: {
    201: jsonResponse(BlobWrittenSchema, "Published"),
    200: jsonResponse(BlobWrittenSchema, "Already published"),
    ...errorResponses,
  },
});

export const abortUpload = createRoute({
  method: "delete",
  path: "/uploads/{id}",
  tags,
  summary: "Abort an upload and drop its parts",
  middleware: [requireRole("contributor")] as const,
  request: { params: UploadParamsSchema },
  responses: { 204: { description: "Aborted (also when it already was)" }, ...errorResponses },
});
