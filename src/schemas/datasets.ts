/** The public contract of the dataset catalogue (issue #19). */
import { z } from "@hono/zod-openapi";
import { DescriptionSchema, DigestSchema, PageQuerySchema, TagsSchema, TimestampSchema } from "./common";

export const CreateDatasetSchema = z
  .strictObject({
    uri: z.string().min(1).max(2048),
    version: z.string().min(1).max(256).optional(),
    digest: DigestSchema.optional(),
    description: DescriptionSchema.default(""),
    /** Free-form column description (e.g. a table schema); bounded by the JSON body limit. */
    schema: z.record(z.string(), z.unknown()).optional(),
    owner: z.string().min(1).max(256).optional().openapi({ description: "defaults to the caller" }),
    tags: TagsSchema.default({}),
  })
  .openapi("CreateDataset", {
    example: {
      uri: "s3://lake/txn",
      version: "2026-01",
      digest: `sha256:${"ab".repeat(32)}`,
      owner: "data-eng",
    },
  });
export type CreateDatasetInput = z.infer<typeof CreateDatasetSchema>;

export const DatasetSchema = z
  .object({
    id: z.string(),
    uri: z.string(),
    version: z.string().nullable(),
    digest: z.string().nullable(),
    description: z.string(),
    schema: z.record(z.string(), z.unknown()).nullable(),
    owner: z.string(),
    tags: z.record(z.string(), z.string()),
    created_by: z.string(),
    created_at: TimestampSchema,
  })
  .openapi("Dataset");
export type DatasetView = z.infer<typeof DatasetSchema>;

export const DatasetListQuerySchema = PageQuerySchema.extend({
  uri: z.string().max(2048).optional(),
});

export const DatasetIdParamsSchema = z.object({
  id: z
    .string()
    .regex(/^dst_[A-Za-z0-9_-]{1,60}$/, "not a dataset id")
    .openapi({ param: { name: "id", in: "path" }, example: "dst_01" }),
});

const Usage = z.object({
  name: z.string(),
  version: z.number().int(),
  stage: z.string(),
  created_at: TimestampSchema,
  role: z.string().nullable(),
});

export const DatasetDetailSchema = DatasetSchema.extend({
  /** Versions (visible to the caller) that name this dataset, newest first; at most 1000. */
  used_by: z.array(Usage),
}).openapi("DatasetDetail");
