import { z } from "@hono/zod-openapi";

export const StorageReportSchema = z
  .object({
    model: z.string().nullable(),
    versions: z.number().int(),
    logical_bytes: z
      .number()
      .int()
      .openapi({ description: "Every remaining version's files, as clients see them" }),
    stored_bytes: z.number().int().openapi({ description: "Distinct R2 objects those files use, each once" }),
    files: z.number().int(),
    chunked_files: z.number().int(),
    objects: z.number().int(),
    chunks: z.number().int(),
    dedup_ratio: z.number().openapi({ description: "logical_bytes / stored_bytes" }),
    replica_bytes: z.number().int().openapi({
      description:
        "Bytes of the second copies in BLOBS_REPLICA (objects of Production or protected-alias versions)",
    }),
    replica_objects: z.number().int(),
    estimated_monthly_usd: z
      .number()
      .openapi({ description: "stored_bytes + replica_bytes at R2's $0.015 per GB-month" }),
    write_once_usd: z.number().openapi({ description: "objects × R2's $4.50 per million Class A puts" }),
  })
  .openapi("StorageReport");
