import { z } from "@hono/zod-openapi";
import { CHUNK_LIMITS } from "../chunking/bounds";
import { DigestSchema } from "./common";

export const RecipeChunkSchema = z.strictObject({
  digest: DigestSchema,
  size: z.number().int().min(1).max(CHUNK_LIMITS.maxChunkBytes),
});

export const PutRecipeSchema = z
  .strictObject({
    size: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    chunks: z.array(RecipeChunkSchema).min(1).max(CHUNK_LIMITS.maxChunks),
    layout: z.enum(["safetensors", "gguf", "cdc", "other"]).default("other").openapi({
      description: "How the client cut the file (src/chunking); informational",
    }),
    defer_verification: z.boolean().default(false).openapi({
      description:
        "Hash the file in the background (the verify queue) instead of while the request waits; always so above 256 MiB",
    }),
  })
  .openapi("PutRecipe");

export const RecipeStatusSchema = z.enum(["pending", "verified", "failed"]);

export const RecipeWrittenSchema = z
  .object({
    digest: DigestSchema,
    size: z.number().int(),
    status: RecipeStatusSchema,
    chunk_count: z.number().int(),
  })
  .openapi("RecipeWritten");

export const RecipeSchema = z
  .object({
    digest: DigestSchema,
    size: z.number().int(),
    status: RecipeStatusSchema,
    layout: z.string(),
    detail: z.string().nullable().openapi({ description: "Why verification failed, when it did" }),
    chunks: z.array(z.object({ digest: DigestSchema, offset: z.number().int(), size: z.number().int() })),
  })
  .openapi("Recipe");

export type RecipeView = z.infer<typeof RecipeSchema>;
