import { z } from "@hono/zod-openapi";
import { ARTIFACT_LIMITS } from "../domain/artifacts";
import { DigestSchema, ModelNameSchema, pathNumber, VersionParamsSchema } from "./common";

export const BlobParamsSchema = z.object({
  digest: DigestSchema.openapi({ param: { name: "digest", in: "path" } }),
});

export const BlobCheckSchema = z
  .strictObject({ digests: z.array(DigestSchema).min(1).max(ARTIFACT_LIMITS.checkDigests) })
  .openapi("BlobCheck");

export const BlobCheckResultSchema = z
  .object({ missing: z.array(DigestSchema).openapi({ description: "Digests with no stored blob" }) })
  .openapi("BlobCheckResult");

export const BlobWrittenSchema = z
  .object({ digest: DigestSchema, size: z.number().int() })
  .openapi("BlobWritten");

export const CreateUploadSchema = z
  .strictObject({
    digest: DigestSchema,
    size: z.number().int().min(1).max(ARTIFACT_LIMITS.maxBlobBytes),
    part_size: z
      .number()
      .int()
      .min(ARTIFACT_LIMITS.minPartBytes)
      .max(ARTIFACT_LIMITS.maxRequestBodyBytes)
      .optional()
      .openapi({ description: "Optional wish; the server may raise it to stay within 10,000 parts" }),
  })
  .openapi("CreateUpload");

export const UploadSchema = z
  .object({
    id: z.string(),
    digest: DigestSchema,
    size: z.number().int(),
    part_size: z.number().int(),
    part_count: z.number().int(),
    state: z.enum(["open", "completing", "completed", "failed", "aborted"]),
    parts: z.array(z.number().int()).openapi({ description: "Part numbers received so far" }),
  })
  .openapi("Upload");

export const UploadParamsSchema = z.object({
  id: z
    .string()
    .regex(/^upl_[A-Za-z0-9_-]{1,64}$/)
    .openapi({ param: { name: "id", in: "path" }, example: "upl_3q2x…" }),
});

export const PartParamsSchema = UploadParamsSchema.extend({
  n: pathNumber(ARTIFACT_LIMITS.maxParts).openapi({ param: { name: "n", in: "path" }, example: "1" }),
});

export const PartWrittenSchema = z
  .object({ part_number: z.number().int(), size: z.number().int() })
  .openapi("PartWritten");

const FilePath = z
  .string()
  .min(1)
  .openapi({ param: { name: "path", in: "path" }, example: "model.onnx" });

export const VersionFileParamsSchema = VersionParamsSchema.extend({ path: FilePath });

export const AliasFileParamsSchema = z.object({
  name: ModelNameSchema.openapi({ param: { name: "name", in: "path" } }),
  alias: z
    .string()
    .min(1)
    .max(128)
    .openapi({ param: { name: "alias", in: "path" }, example: "champion" }),
  path: FilePath,
});
