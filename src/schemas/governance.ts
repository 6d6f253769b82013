/** The public contract of governance: policy, transitions, approvals, rollback, audit. */
import { z } from "@hono/zod-openapi";
import { GATE_OPS, isRequirable, SIGNATURE_COMPATIBILITY } from "../domain/policy";
import { TimestampSchema } from "./common";
import { STAGES } from "./versions";

const Comment = z.string().max(4000);
const ALIAS = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export const GateSchema = z
  .strictObject({
    metric: z.string().min(1).max(250),
    op: z.enum(GATE_OPS),
    value: z.number().refine(Number.isFinite, "must be a finite number"),
    slice: z.string().min(1).max(250).nullable().optional(),
  })
  .openapi("Gate", { example: { metric: "auc", op: ">=", value: 0.95, slice: null } });

const RequireSchema = z
  .array(z.string().refine(isRequirable, "must be signature, dataset, model_card or model_card.<field>"))
  .max(50)
  .default([]);

/** Gates checked at registration (issue #19): `refuse` writes nothing, `tag` registers a `candidate`. */
export const RegistrationGatesSchema = z
  .strictObject({
    gates: z.array(GateSchema).max(100).default([]),
    require: RequireSchema,
    on_fail: z.enum(["refuse", "tag"]).default("refuse"),
  })
  .openapi("RegistrationGates", {
    example: { gates: [{ metric: "auc", op: ">=", value: 0.8, slice: null }], require: [], on_fail: "tag" },
  });

export const PolicyInputSchema = z
  .strictObject({
    gates: z.array(GateSchema).max(100).default([]),
    require: RequireSchema,
    required_approvals: z.number().int().min(1).max(10).default(1),
    protected_aliases: z.array(z.string().regex(ALIAS, "not an alias name")).max(100).default([]),
    signature_compatibility: z.enum(SIGNATURE_COMPATIBILITY).default("any"),
    registration_gates: RegistrationGatesSchema.nullable().default(null),
    require_registered_datasets: z.boolean().default(false),
  })
  .openapi("PolicyInput", {
    example: {
      gates: [{ metric: "auc", op: ">=", value: 0.95, slice: null }],
      require: ["signature", "dataset"],
      required_approvals: 1,
      protected_aliases: ["champion"],
    },
  });

export const PolicySchema = z
  .object({
    name: z.string(),
    gates: z.array(GateSchema),
    require: z.array(z.string()),
    required_approvals: z.number().int(),
    protected_aliases: z.array(z.string()),
    signature_compatibility: z.enum(SIGNATURE_COMPATIBILITY),
    registration_gates: RegistrationGatesSchema.nullable(),
    require_registered_datasets: z.boolean(),
    /** True when the model has no policy of its own and the defaults apply. */
    is_default: z.boolean(),
  })
  .openapi("Policy");
export type PolicyView = z.infer<typeof PolicySchema>;

export const TransitionBodySchema = z
  .strictObject({
    to: z.enum(STAGES),
    comment: Comment.default(""),
    /** Admin only: skip approvals in an emergency; the comment is the required reason. */
    fast_track: z.boolean().default(false),
  })
  .openapi("Transition", { example: { to: "Staging", comment: "passed offline eval" } });

export const ApprovalRequestBodySchema = z
  .strictObject({ to: z.literal("Production").default("Production"), comment: Comment.default("") })
  .openapi("ApprovalRequestInput");

export const DecisionBodySchema = z.strictObject({ comment: Comment.default("") }).openapi("Decision");

const Vote = z.object({ approver: z.string(), comment: z.string(), created_at: TimestampSchema });

export const ApprovalRequestSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    version: z.number().int(),
    to: z.literal("Production"),
    status: z.enum(["pending", "approved", "rejected", "cancelled"]),
    required_approvals: z.number().int(),
    approvals: z.array(Vote),
    rejections: z.array(Vote),
    requested_by: z.string(),
    comment: z.string(),
    created_at: TimestampSchema,
    decided_at: TimestampSchema.nullable(),
    /** The signature compatibility report when the request was opened (null for older requests). */
    compatibility: z
      .object({
        breaking: z.boolean(),
        comparisons: z.array(
          z
            .object({
              against: z.enum(["production", "previous"]),
              version: z.number().int(),
              breaking: z.boolean(),
              reasons: z.array(z.string()),
            })
            .passthrough(),
        ),
      })
      .nullable(),
  })
  .openapi("ApprovalRequest");
export type ApprovalRequestView = z.infer<typeof ApprovalRequestSchema>;

export const ApprovalListQuerySchema = z.object({
  status: z.enum(["pending", "approved", "rejected", "cancelled"]).optional(),
  model: z.string().max(128).optional(),
  requester: z.string().max(256).optional().openapi({ description: "who opened it (token id or name)" }),
  decider: z.string().max(256).optional().openapi({ description: "who voted on it (token id or name)" }),
  page_size: z.coerce.number().int().min(1).max(1000).default(100),
  page_token: z.string().max(512).optional(),
});

export const ApprovalIdParamsSchema = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "apr_01" }),
});

export const RollbackBodySchema = z
  .strictObject({
    reason: z.string().trim().min(1, "a rollback needs a reason").max(4000),
    to_version: z.number().int().min(1).optional(),
  })
  .openapi("Rollback", { example: { reason: "p99 latency regression" } });

export const RollbackResultSchema = z
  .object({ production_version: z.number().int(), archived_version: z.number().int().nullable() })
  .openapi("RollbackResult");
export type RollbackResult = z.infer<typeof RollbackResultSchema>;

export const SignOffBodySchema = z.strictObject({ comment: Comment.default("") }).openapi("ReviewSignOff");

export const AuditQuerySchema = z.object({
  model: z.string().max(128).optional(),
  actor: z.string().max(256).optional(),
  action: z.string().max(128).optional(),
  since: z.string().max(64).optional().openapi({ description: "RFC 3339 time or epoch milliseconds" }),
  page_size: z.coerce.number().int().min(1).max(1000).default(100),
  page_token: z.string().max(512).optional(),
});

export const AuditEntrySchema = z
  .object({
    id: z.number().int(),
    seq: z.number().int(),
    model: z.string().nullable(),
    action: z.string(),
    actor: z.string(),
    target: z.string(),
    before: z.unknown(),
    after: z.unknown(),
    reason: z.string().nullable(),
    request_id: z.string(),
    created_at: TimestampSchema,
    prev_hash: z.string(),
    hash: z.string(),
  })
  .openapi("AuditEntry");

export const VerifyQuerySchema = z.object({
  /** Resume after the entry a previous answer's `cursor` names (issue #19). */
  cursor: z.string().max(100).optional(),
  max_entries: z.coerce.number().int().min(1).max(100_000).default(10_000),
});

export const VerifyResultSchema = z
  .object({
    ok: z.boolean(),
    /** Entries verified so far, from the chain's start (the seq of the last one verified). */
    entries: z.number().int(),
    head: z.string().optional(),
    broken_at_seq: z.number().int().optional(),
    reason: z.string().optional(),
    /** False when `max_entries` stopped this request: call again with `cursor`. */
    complete: z.boolean(),
    cursor: z.string().optional(),
  })
  .openapi("AuditVerification");
