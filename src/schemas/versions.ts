import { z } from "@hono/zod-openapi";
import { LIMITS } from "../domain/limits";
import { DescriptionSchema, DigestSchema, ModelNameSchema, TagsSchema, TimestampSchema } from "./common";

const FiniteNumber = z.number().refine(Number.isFinite, "must be a finite number");
const MetricName = z.string().min(1).max(250);

export const MetricsSchema = z
  .record(MetricName, FiniteNumber)
  .refine((m) => Object.keys(m).length <= LIMITS.metrics, `at most ${LIMITS.metrics} metrics`)
  .openapi("Metrics", { example: { auc: 0.974, precision: 0.921 } });

export const SlicesSchema = z
  .record(z.string().min(1).max(250), MetricsSchema)
  .refine((s) => Object.keys(s).length <= LIMITS.slices, `at most ${LIMITS.slices} slices`)
  .openapi("SliceMetrics", { example: { "segment=high_value": { auc: 0.951 } } });

export const ParamsSchema = z
  .record(z.string().min(1).max(250), z.string().max(LIMITS.paramValueChars))
  .refine((p) => Object.keys(p).length <= LIMITS.params, `at most ${LIMITS.params} params`)
  .openapi("Params", { example: { learning_rate: "0.001", max_depth: "8" } });

export const DatasetSchema = z
  .strictObject({
    uri: z.string().min(1).max(2048),
    version: z.string().max(256).optional(),
    digest: DigestSchema.optional(),
    role: z.string().max(64).optional().openapi({ example: "training" }),
  })
  .openapi("DatasetRef");

export const ProvenanceSchema = z
  .strictObject({
    run_id: z.string().max(256).optional(),
    experiment_id: z.string().max(256).optional(),
    code_repo: z.string().max(2048).optional(),
    code_commit: z.string().max(256).optional(),
    trained_by: z.string().max(256).optional(),
    uri: z.string().max(2048).optional(),
    /** MLflow's `run_link` (a URL of the run in its tracking UI), kept so MLflow reads it back. */
    run_link: z.string().max(2048).optional(),
  })
  .openapi("Provenance");

export const ParentSchema = z
  .strictObject({ model: ModelNameSchema, version: z.number().int().min(1) })
  .openapi("ParentRef");

export const FileEntrySchema = z
  .strictObject({
    path: z.string().min(1).max(LIMITS.filePathChars),
    digest: DigestSchema,
    size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    media_type: z.string().max(255).default("application/octet-stream"),
  })
  .openapi("FileEntry");

export const CopySourceSchema = z
  .strictObject({ model: ModelNameSchema, version: z.number().int().min(1) })
  .openapi("CopySource", { example: { model: "fraud-dev", version: 3 } });

/** Free-form JSON objects (model card, signature); their size is bounded by the metadata limit. */
const JsonObjectSchema = z.record(z.string(), z.unknown());

export const CreateVersionSchema = z
  .strictObject({
    description: DescriptionSchema.default(""),
    tags: TagsSchema.default({}),
    params: ParamsSchema.default({}),
    metrics: MetricsSchema.default({}),
    slices: SlicesSchema.default({}),
    datasets: z.array(DatasetSchema).max(LIMITS.datasets).default([]),
    source: ProvenanceSchema.default({}),
    parent: ParentSchema.optional(),
    signature: JsonObjectSchema.optional().openapi({
      example: { inputs: [{ name: "amount", type: "double" }], outputs: [{ type: "double" }] },
    }),
    model_card: JsonObjectSchema.optional().openapi({ example: { intended_use: "Card-not-present fraud" } }),
    files: z.array(FileEntrySchema).max(LIMITS.files).default([]),
    /** A sample input (JSON), checked against `signature` (issue #19). */
    input_example: z
      .unknown()
      .optional()
      .openapi({ example: { amount: 12.5 } }),
    /**
     * Copy another model's version here (issue #19): its metadata record and manifest, no blob copy.
     * Only `description` and `tags` may be given beside it.
     */
    copy_from: CopySourceSchema.optional(),
  })
  .openapi("CreateVersion");

export const UpdateVersionSchema = z
  .strictObject({ description: DescriptionSchema })
  .openapi("UpdateVersion");

export const STAGES = ["None", "Staging", "Production", "Archived"] as const;

export const VersionSchema = z
  .object({
    name: ModelNameSchema,
    version: z.number().int(),
    description: z.string(),
    stage: z.enum(STAGES),
    status: z.string().openapi({ example: "READY" }),
    tags: TagsSchema,
    aliases: z.array(z.string()),
    params: ParamsSchema,
    metrics: MetricsSchema,
    slices: SlicesSchema,
    datasets: z.array(DatasetSchema),
    source: ProvenanceSchema,
    parent: ParentSchema.nullable(),
    signature: JsonObjectSchema.nullable(),
    model_card: JsonObjectSchema.nullable(),
    files: z.array(FileEntrySchema),
    manifest_digest: DigestSchema,
    total_size: z.number().int(),
    created_by: z.string(),
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
    needs_review: z.boolean(),
    input_example: z.unknown().optional(),
  })
  .openapi("ModelVersion");

export type CreateVersionInput = z.infer<typeof CreateVersionSchema>;
export type VersionView = z.infer<typeof VersionSchema>;
