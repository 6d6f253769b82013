/** Public contract for search, lineage, dataset usage, model cards and signature compatibility. */
import { z } from "@hono/zod-openapi";
import { STAGE_VALUES } from "../domain/filter/keys";
import { DigestSchema, ModelNameSchema, PageQuerySchema, TimestampSchema } from "./common";

export const FilterQuerySchema = z
  .string()
  .max(4096)
  .optional()
  .openapi({
    param: { name: "filter", in: "query" },
    description: "MLflow search syntax plus metrics/params/stage/alias/dataset/created terms, joined by AND",
    example: "metrics.auc >= 0.95 AND tags.team = 'risk'",
  });

export const SearchVersionsQuerySchema = PageQuerySchema.extend({
  filter: FilterQuerySchema,
  order_by: z
    .string()
    .max(512)
    .optional()
    .openapi({ param: { name: "order_by", in: "query" }, example: "metrics.auc DESC" }),
});

export const LineageQuerySchema = z.object({
  direction: z
    .enum(["upstream", "downstream"])
    .default("upstream")
    .openapi({ param: { name: "direction", in: "query" } }),
  depth: z.coerce
    .number()
    .int()
    .min(1)
    .max(20)
    .default(5)
    .openapi({ param: { name: "depth", in: "query" }, description: "hops along parent links" }),
});

export const LineageNodeSchema = z
  .object({
    id: z.string().openapi({ example: "version:fraud-detector/3" }),
    type: z.enum(["version", "dataset", "run", "commit"]),
    /** Hops from the starting version along parent links. */
    depth: z.number().int(),
    name: z.string().optional(),
    version: z.number().int().optional(),
    stage: z.enum(STAGE_VALUES).optional(),
    uri: z.string().optional(),
    dataset_version: z.string().nullable().optional(),
    digest: DigestSchema.nullable().optional(),
    dataset_id: z.string().nullable().optional(),
    run_id: z.string().optional(),
    experiment_id: z.string().nullable().optional(),
    code_repo: z.string().nullable().optional(),
    code_commit: z.string().optional(),
  })
  .openapi("LineageNode");

export const LineageEdgeSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    relation: z.enum(["derived_from", "trained_on", "evaluated_on", "produced_by", "built_from"]),
    role: z.string().nullable().optional(),
  })
  .openapi("LineageEdge");

export const LineageSchema = z
  .object({
    root: z.string(),
    direction: z.enum(["upstream", "downstream"]),
    depth: z.number().int(),
    nodes: z.array(LineageNodeSchema),
    edges: z.array(LineageEdgeSchema),
    truncated: z.boolean().openapi({ description: "true when the depth limit cut off further nodes" }),
  })
  .openapi("Lineage");

export const DatasetParamsSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(2048)
    .openapi({
      param: { name: "id", in: "path" },
      description: "a dataset digest (sha256:…) or its URL-encoded uri",
      example: "s3%3A%2F%2Fdata%2Ftxn",
    }),
});

export const DatasetModelsQuerySchema = PageQuerySchema.extend({
  version: z
    .string()
    .max(256)
    .optional()
    .openapi({
      param: { name: "version", in: "query" },
      description: "only this dataset version (uri lookups)",
    }),
  stage: z
    .enum(STAGE_VALUES)
    .optional()
    .openapi({ param: { name: "stage", in: "query" } }),
});

export const DatasetUsageSchema = z
  .object({
    name: ModelNameSchema,
    version: z.number().int(),
    stage: z.enum(STAGE_VALUES),
    created_at: TimestampSchema,
    dataset: z.object({
      uri: z.string(),
      version: z.string().nullable(),
      digest: z.string().nullable(),
      role: z.string().nullable(),
    }),
  })
  .openapi("DatasetUsage");

const SpecChangeSchema = z.object({
  name: z.string(),
  from: z.string().optional(),
  to: z.string().optional(),
  breaking: z.boolean(),
});
const SideDiffSchema = z.object({
  added: z.array(SpecChangeSchema),
  removed: z.array(SpecChangeSchema),
  retyped: z.array(SpecChangeSchema),
  reshaped: z.array(SpecChangeSchema),
});
export const CompatReportSchema = z
  .object({
    version: z.number().int(),
    breaking: z.boolean(),
    reasons: z.array(z.string()),
    inputs: SideDiffSchema,
    outputs: SideDiffSchema,
  })
  .openapi("SignatureCompatibility");

export const CompatibilitySchema = z
  .object({
    name: ModelNameSchema,
    version: z.number().int(),
    has_signature: z.boolean(),
    previous: CompatReportSchema.nullable(),
    production: CompatReportSchema.nullable(),
    breaking: z.boolean().openapi({ description: "breaking against the previous or the Production version" }),
  })
  .openapi("CompatibilityReport");

export const CardSchema = z
  .object({
    name: ModelNameSchema,
    version: z.number().int(),
    stage: z.enum(STAGE_VALUES),
    metadata: z.record(z.string(), z.unknown()),
    sections: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        source: z.enum(["card", "auto", "missing"]),
        text: z.string(),
        table: z.object({ columns: z.array(z.string()), rows: z.array(z.array(z.string())) }).optional(),
      }),
    ),
  })
  .openapi("ModelCard");
