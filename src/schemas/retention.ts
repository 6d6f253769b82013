/** The public contract of retention and hygiene (issue #6). */
import { z } from "@hono/zod-openapi";
import { DEFAULT_RETENTION } from "../domain/retention";
import { TagKeySchema, TimestampSchema } from "./common";

const Days = z.number().int().min(0).max(36_500);

export const RetentionPolicyInputSchema = z
  .strictObject({
    keep_last: z.number().int().min(0).max(10_000).default(DEFAULT_RETENTION.keep_last),
    archive_after_days: Days.nullable().default(null),
    purge_after_days: Days.nullable().default(null),
    keep_tags: z.array(TagKeySchema).max(50).default(DEFAULT_RETENTION.keep_tags),
  })
  .openapi("RetentionPolicyInput", {
    example: { keep_last: 3, archive_after_days: 30, purge_after_days: 7, keep_tags: ["keep"] },
  });

export const RetentionPolicySchema = z
  .object({
    name: z.string(),
    keep_last: z.number().int(),
    archive_after_days: z.number().int().nullable(),
    purge_after_days: z.number().int().nullable(),
    keep_tags: z.array(z.string()),
    /** True when the model has no policy of its own: nothing is archived or purged automatically. */
    is_default: z.boolean(),
  })
  .openapi("RetentionPolicy");
export type RetentionPolicyView = z.infer<typeof RetentionPolicySchema>;

export const RetentionActionSchema = z
  .object({
    kind: z.enum(["archive", "purge"]),
    model: z.string(),
    version: z.number().int(),
    reason: z.string(),
    /** Real runs: whether the ledger carried it out, or why not. */
    outcome: z.enum(["planned", "done", "skipped", "failed"]),
    detail: z.string().optional(),
  })
  .openapi("RetentionAction");

/**
 * What the policies planned at the start of the run, and how much of it this run carries out
 * (issue #19): one run acts on at most `max_actions` versions, candidates first; the rest waits for
 * the next run (the next daily cron tick, or another admin run), which plans again on fresh state.
 */
export const RetentionBacklogSchema = z
  .object({
    /** Archive and purge actions the policies call for now, across all models. */
    planned: z.number().int(),
    /** The per-run cap: `max_actions`, else `RETENTION_MAX_ACTIONS_PER_RUN`, else 500. */
    max_actions: z.number().int(),
    /** Planned actions this run leaves for later runs. */
    deferred: z.number().int(),
    /** Runs the planned backlog needs at this cap, this one included (0: nothing to do). */
    runs_needed: z.number().int(),
    /** Planned actions on versions tagged `candidate` by the registration gates: they go first. */
    candidates: z.number().int(),
  })
  .openapi("RetentionBacklog");

export const RetentionRunSchema = z
  .object({
    id: z.string(),
    trigger: z.enum(["cron", "admin"]),
    actor: z.string(),
    dry_run: z.boolean(),
    started_at: TimestampSchema,
    finished_at: TimestampSchema,
    duration_ms: z.number().int(),
    models_scanned: z.number().int(),
    archived: z.number().int(),
    purged: z.number().int(),
    blobs_deleted: z.number().int(),
    uploads_aborted: z.number().int(),
    failures: z.number().int(),
    /** Bytes under blobs/ in R2 when the run started; bytes_before − bytes_freed = bytes_after. */
    bytes_before: z.number().int(),
    bytes_freed: z.number().int(),
    bytes_after: z.number().int(),
    actions: z.array(RetentionActionSchema),
    blobs: z.array(z.object({ digest: z.string(), size: z.number().int(), reason: z.string() })),
    uploads: z.array(z.object({ id: z.string(), digest: z.string(), reason: z.string() })),
    /** Unreferenced blobs seen for the first time: their grace period starts with this run. */
    blobs_marked: z.number().int(),
    // issue #19: retention at scale.
    backlog: RetentionBacklogSchema,
  })
  .openapi("RetentionRun");
export type RetentionRunView = z.infer<typeof RetentionRunSchema>;

export const RunQuerySchema = z.object({
  dry_run: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true")
    .openapi({ param: { name: "dry_run", in: "query" }, example: "true" }),
  /** issue #19: this run's action cap, instead of RETENTION_MAX_ACTIONS_PER_RUN (default 500). */
  max_actions: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .optional()
    .openapi({ param: { name: "max_actions", in: "query" }, example: 500 }),
});

export const RunsQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .openapi({ param: { name: "limit", in: "query" } }),
});

export const RetentionRunListSchema = z
  .object({ items: z.array(RetentionRunSchema) })
  .openapi("RetentionRunList");

export const StaleMetadataQuerySchema = z.object({
  older_than_days: z.coerce
    .number()
    .int()
    .min(0)
    .max(36_500)
    .default(90)
    .openapi({ param: { name: "older_than_days", in: "query" }, example: 90 }),
});

export const StaleMetadataItemSchema = z
  .object({
    name: z.string(),
    version: z.number().int(),
    reasons: z.array(z.enum(["not_updated", "copied_description"])),
    /** Last change of the description (or registration, when it was never edited). */
    metadata_updated_at: TimestampSchema,
    copied_from_version: z.number().int().nullable(),
  })
  .openapi("StaleMetadataItem");

export const StaleMetadataReportSchema = z
  .object({ older_than_days: z.number().int(), items: z.array(StaleMetadataItemSchema) })
  .openapi("StaleMetadataReport");
