/** The public contract of progressive rollouts (issue 18). */
import { z } from "@hono/zod-openapi";
import { GATE_OPS } from "../domain/policy";
import { ROLLOUT_ACTIONS, ROLLOUT_STATUSES } from "../domain/rollouts/rollout";
import { AliasNameSchema } from "./aliases";
import { PageQuerySchema, TimestampSchema } from "./common";

/** Metric names as nodes report them and guards name them (`error_rate`, `latency_p99_ms`, …). */
export const MetricNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/, "must match ^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$");

const Finite = z.number().refine(Number.isFinite, "must be a finite number");

/** What a node may report about its health with a deployment report (at most 32 metrics). */
export const ReportMetricsSchema = z
  .record(MetricNameSchema, Finite)
  .refine((m) => Object.keys(m).length <= 32, { message: "at most 32 metrics" })
  .openapi("ReportMetrics", { example: { error_rate: 0.002, latency_p99_ms: 41 } });

export const GuardSchema = z
  .strictObject({
    metric: MetricNameSchema,
    op: z.enum(GATE_OPS),
    value: Finite,
    min_reports: z.number().int().min(1).max(10_000).default(3),
  })
  .openapi("RolloutGuard", { example: { metric: "error_rate", op: "<=", value: 0.01, min_reports: 3 } });

const Percent = z.number().int().min(1).max(100);

export const CreateRolloutSchema = z
  .strictObject({
    alias: AliasNameSchema,
    version: z
      .number()
      .int()
      .min(1)
      .max(2 ** 31),
    weight: Percent.optional().openapi({ description: "Initial percent of nodes on the canary." }),
    steps: z.array(Percent).min(1).max(20).optional().openapi({
      description: "Strictly increasing weights to advance through; past the last, the rollout completes.",
    }),
    step_interval_s: z
      .number()
      .int()
      .min(1)
      .max(30 * 86_400)
      .default(600),
    guards: z.array(GuardSchema).max(16).default([]),
  })
  .openapi("CreateRollout", {
    example: {
      alias: "champion",
      version: 4,
      weight: 10,
      steps: [10, 50, 100],
      step_interval_s: 600,
      guards: [{ metric: "error_rate", op: "<=", value: 0.01, min_reports: 3 }],
    },
  });
export type CreateRolloutInput = z.infer<typeof CreateRolloutSchema>;

export const RolloutSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    alias: z.string(),
    from_version: z.number().int(),
    version: z.number().int(),
    weight: z.number().int(),
    steps: z.array(z.number().int()),
    step_interval_s: z.number().int(),
    guards: z.array(GuardSchema),
    status: z.enum(ROLLOUT_STATUSES),
    step_started_at: TimestampSchema,
    breach: z
      .object({
        guard: GuardSchema,
        value: z.number(),
        nodes: z.array(z.string()),
        values: z.record(z.string(), z.number()),
      })
      .nullable()
      .openapi({
        description: "The guard that rolled the rollout back, the value judged and over which nodes.",
      }),
    history: z.array(
      z.object({
        at: TimestampSchema,
        action: z.enum(ROLLOUT_ACTIONS),
        weight: z.number().int(),
        actor: z.string(),
        detail: z.string().optional(),
      }),
    ),
    created_by: z.string(),
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
    ended_at: TimestampSchema.nullable(),
  })
  .openapi("Rollout");
export type RolloutView = z.infer<typeof RolloutSchema>;

export const RolloutPageSchema = z
  .object({ items: z.array(RolloutSchema), next_page_token: z.string().nullable() })
  .openapi("RolloutPage");

export const RolloutParamsSchema = z.object({
  id: z
    .string()
    .regex(/^rol_[A-Za-z0-9_-]{1,64}$/, "not a rollout id")
    .openapi({ param: { name: "id", in: "path" }, example: "rol_3kq9…" }),
});

export const RolloutsQuerySchema = PageQuerySchema.extend({
  status: z
    .enum(ROLLOUT_STATUSES)
    .optional()
    .openapi({ param: { name: "status", in: "query" } }),
});

/** Optional body of advance/promote/abort: a reason for the audit entry. */
export const RolloutActionSchema = z
  .strictObject({ reason: z.string().max(4000).optional() })
  .openapi("RolloutAction");
