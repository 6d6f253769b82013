/** The serving side's public contract: resolve, deployment reports, drift and the fleet summary. */
import { z } from "@hono/zod-openapi";
import { DEFAULT_STALE_AFTER_SECONDS, DRIFT_REASONS } from "../domain/drift";
import { AliasNameSchema } from "./aliases";
import { DigestSchema, ModelNameSchema, TimestampSchema } from "./common";
import { ReportMetricsSchema } from "./rollouts";

export const ResolveQuerySchema = z
  .object({
    alias: AliasNameSchema.optional().openapi({
      param: { name: "alias", in: "query" },
      description:
        "An alias; `latest` (highest version) and `production` (the Production stage) are computed.",
    }),
    stage: z
      .enum(["Production", "Staging"])
      .optional()
      .openapi({ param: { name: "stage", in: "query" }, description: "Highest version in this stage." }),
    node_id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, "must match ^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
      .optional()
      .openapi({
        param: { name: "node_id", in: "query" },
        description:
          "The asking node. During a rollout of the alias, a stable share of node ids equal to the weight gets the canary version; without it, the stable version.",
      }),
  })
  .refine((q) => (q.alias === undefined) !== (q.stage === undefined), {
    message: "give exactly one of alias or stage",
    path: ["alias"],
  });

export const ResolvedFileSchema = z
  .object({
    path: z.string(),
    digest: DigestSchema,
    size: z.number().int(),
    media_type: z.string(),
    url: z.string().openapi({ description: "Where to GET the bytes (content-addressed, immutable)." }),
  })
  .openapi("ResolvedFile");

export const ResolutionSchema = z
  .object({
    name: ModelNameSchema,
    version: z.number().int(),
    alias: z.string().nullable(),
    stage: z.string(),
    manifest_digest: DigestSchema,
    total_size: z.number().int(),
    files: z.array(ResolvedFileSchema),
  })
  .openapi("Resolution");

const NodeIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, "must match ^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
  .openapi({ example: "fra-gpu-07" });

export const DeploymentStatusSchema = z.enum(["loaded", "loading", "failed"]);

export const DeploymentReportSchema = z
  .strictObject({
    node_id: NodeIdSchema,
    environment: AliasNameSchema.openapi({
      example: "production",
      description: "Where the node serves. Without `alias`, the node follows the alias of this name.",
    }),
    alias: AliasNameSchema.optional().openapi({ example: "champion" }),
    version: z
      .number()
      .int()
      .min(1)
      .max(2 ** 31),
    manifest_digest: DigestSchema.openapi({
      description: "Digest of the manifest of the files the node loaded.",
    }),
    loaded_at: z.iso.datetime({ offset: true }),
    status: DeploymentStatusSchema,
    metrics: ReportMetricsSchema.optional().openapi({
      description:
        "The node's health (`error_rate`, `latency_p99_ms`, any name): what rollout guards judge on canary nodes.",
    }),
  })
  .openapi("DeploymentReport");
export type DeploymentReport = z.infer<typeof DeploymentReportSchema>;

const RunningSchema = z.object({ version: z.number().int(), manifest_digest: z.string() });

export const DeploymentSchema = z
  .object({
    node_id: z.string(),
    environment: z.string(),
    alias: z.string(),
    version: z.number().int(),
    manifest_digest: z.string(),
    status: DeploymentStatusSchema,
    loaded_at: TimestampSchema,
    reported_at: TimestampSchema,
    reported_by: z.string(),
    running_since: TimestampSchema,
    previous: RunningSchema.nullable(),
    expected: RunningSchema.nullable().openapi({ description: "What the followed alias resolves to now." }),
    in_sync: z.boolean(),
    drift: z.enum(DRIFT_REASONS).nullable().openapi({ description: "Why it is not in sync, judged now." }),
    digest_mismatch: z.boolean(),
    drift_since: TimestampSchema.nullable().openapi({
      description: "Start of the open drift episode as of the node's last report (events fire on its edges).",
    }),
    drift_episodes: z.number().int(),
    stale: z.boolean(),
    metrics: z.record(z.string(), z.number()).nullable().openapi({ description: "As of the latest report." }),
    rollout: z.object({ id: z.string(), canary: z.boolean(), version: z.number().int() }).nullable().openapi({
      description:
        "The active rollout of the node's alias, if any: whether the node is on its canary, and the canary version.",
    }),
  })
  .openapi("Deployment");
export type DeploymentView = z.infer<typeof DeploymentSchema>;

const StaleAfter = z.coerce
  .number()
  .int()
  .min(1)
  .max(30 * 86_400)
  .default(DEFAULT_STALE_AFTER_SECONDS)
  .openapi({
    param: { name: "stale_after", in: "query" },
    description: "Seconds of silence before a node is stale.",
  });

const PageSize = z.coerce
  .number()
  .int()
  .min(1)
  .max(1000)
  .default(100)
  .openapi({ param: { name: "page_size", in: "query" } });
const PageToken = z
  .string()
  .max(512)
  .optional()
  .openapi({ param: { name: "page_token", in: "query" } });

export const DeploymentsQuerySchema = z.object({
  stale_after: StaleAfter,
  page_size: PageSize,
  page_token: PageToken,
});

export const DeploymentPageSchema = z
  .object({ items: z.array(DeploymentSchema), next_page_token: z.string().nullable() })
  .openapi("DeploymentPage");

export const FleetCountsSchema = z.object({
  nodes: z.number().int(),
  in_sync: z.number().int(),
  drifted: z.number().int(),
  digest_mismatch: z.number().int(),
  stale: z.number().int(),
});
export type FleetCounts = z.infer<typeof FleetCountsSchema>;

export const FleetSummarySchema = z
  .object({
    totals: FleetCountsSchema,
    items: z.array(FleetCountsSchema.extend({ name: z.string() })),
    next_page_token: z.string().nullable(),
  })
  .openapi("FleetSummary");
export type FleetSummary = z.infer<typeof FleetSummarySchema>;
