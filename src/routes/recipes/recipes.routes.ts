import { createRoute } from "@hono/zod-openapi";
import { requireRole } from "../../middleware/auth";
import { BlobParamsSchema } from "../../schemas/artifacts";
import { errorResponses, jsonBody, jsonResponse } from "../../schemas/common";
import { PutRecipeSchema, RecipeSchema, RecipeWrittenSchema } from "../../schemas/recipes";

const tags = ["blobs"];

export const putRecipe = createRoute({
  method: "put",
  path: "/recipes/{digest}",
  tags,
  summary: "Store a file as chunks: its whole-file digest → ordered chunk blobs",
  description:
    "Every chunk must already be a stored blob of the declared size (upload the missing ones with PUT /blobs first). The server then hashes the assembled file itself: up to 256 MiB while the request waits (201 verified, or 422 DIGEST_MISMATCH and nothing is stored), larger files (or `defer_verification`) in the background (202 pending). Versions naming a pending file are PENDING_REGISTRATION until it is verified. Idempotent: an already stored file answers 200.",
  middleware: [requireRole("contributor")] as const,
  request: { params: BlobParamsSchema, body: jsonBody(PutRecipeSchema) },
  responses: {
    201: jsonResponse(RecipeWrittenSchema, "Stored and verified"),
    202: jsonResponse(RecipeWrittenSchema, "Stored; the whole-file hash runs in the background"),
    200: jsonResponse(RecipeWrittenSchema, "Already stored; nothing was written"),
    ...errorResponses,
  },
});

export const getRecipe = createRoute({
  method: "get",
  path: "/recipes/{digest}",
  tags,
  summary: "The chunks of a stored file (what a serving node fetches to assemble it)",
  description:
    "Chunks in order with offsets and sizes; a file stored as one blob answers with a single chunk, the file itself.",
  middleware: [requireRole("read")] as const,
  request: { params: BlobParamsSchema },
  responses: { 200: jsonResponse(RecipeSchema, "The recipe"), ...errorResponses },
});
