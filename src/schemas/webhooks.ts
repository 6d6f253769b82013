import { z } from "@hono/zod-openapi";
import { SCOPE_PATTERN } from "../domain/scopes";
import { WEBHOOK_URL_MAX_CHARS } from "../domain/webhook-url";
import { SECRET_PATTERN, secretKeyBytes } from "../events/signature";
import { DescriptionSchema, PageQuerySchema, pageOf, TimestampSchema } from "./common";

/** Event types (DESIGN.md, "Event types"); a subscription lists some of them, or `*`. */
export const EVENT_TYPES = [
  "model.created",
  "model.deleted",
  "model.updated",
  "model_version.created",
  "model_version.updated",
  "alias.set",
  "alias.deleted",
  "model_version.stage_changed",
  "approval.requested",
  "approval.approved",
  "approval.rejected",
  "model.rolled_back",
  "model_version.archived",
  "model_version.artifacts_purged",
  // MLflow's model-versions/delete (issue #9); the native API archives instead of deleting.
  "model_version.deleted",
  "deployment.drift",
  // ---- progressive rollouts (issue 18) ----
  "rollout.started",
  "rollout.advanced",
  "rollout.completed",
  "rollout.rolled_back",
  "rollout.aborted",
] as const;

const EventFilterSchema = z
  .array(z.enum([...EVENT_TYPES, "*"]))
  .min(1)
  .max(EVENT_TYPES.length + 1)
  .openapi({ example: ["model_version.stage_changed"] });

const SecretSchema = z
  .string()
  .regex(SECRET_PATTERN, "must be whsec_ followed by base64 of 24 to 64 bytes")
  .refine((s) => secretKeyBytes(s) !== null, "must be whsec_ followed by base64 of 24 to 64 bytes")
  .openapi({ description: "Standard Webhooks secret; generated when omitted." });

const UrlSchema = z
  .string()
  .min(1)
  .max(WEBHOOK_URL_MAX_CHARS)
  .openapi({ example: "https://ci.example.com/hooks/registry" });

const ModelPatternSchema = z
  .string()
  .regex(SCOPE_PATTERN, "a model-name glob such as fraud-*")
  .nullable()
  .openapi({ example: "fraud-*" });

export const CreateWebhookSchema = z
  .strictObject({
    url: UrlSchema,
    events: EventFilterSchema,
    model_pattern: ModelPatternSchema.optional(),
    secret: SecretSchema.optional(),
    active: z.boolean().default(true),
    description: DescriptionSchema.default(""),
  })
  .openapi("CreateWebhook");

export const UpdateWebhookSchema = z
  .strictObject({
    url: UrlSchema.optional(),
    events: EventFilterSchema.optional(),
    model_pattern: ModelPatternSchema.optional(),
    secret: SecretSchema.optional(),
    active: z.boolean().optional(),
    description: DescriptionSchema.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, "send at least one field to change")
  .openapi("UpdateWebhook");

export const WebhookSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    model_pattern: z.string().nullable(),
    active: z.boolean(),
    description: z.string(),
    created_by: z.string(),
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
  })
  .openapi("Webhook");

export const CreatedWebhookSchema = WebhookSchema.extend({
  secret: z.string().openapi({ description: "The signing secret. Shown once, on creation." }),
}).openapi("CreatedWebhook");

export const DeliverySchema = z
  .object({
    id: z.string(),
    event_id: z.string().openapi({ description: "Also the `webhook-id` header." }),
    subscription_id: z.string(),
    event_type: z.string(),
    model: z.string(),
    sequence: z.number().int(),
    status: z.enum(["pending", "succeeded", "failed", "dead"]).openapi({
      description: "failed = the last attempt failed and a retry is scheduled; dead = gave up",
    }),
    attempts: z.number().int(),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    latency_ms: z.number().int().nullable(),
    next_retry_at: TimestampSchema.nullable(),
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
  })
  .openapi("WebhookDelivery");

export const WebhookParamsSchema = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});

export const DeliveryQuerySchema = PageQuerySchema;
export const WebhookPageSchema = pageOf(WebhookSchema, "WebhookPage");
export const DeliveryPageSchema = pageOf(DeliverySchema, "WebhookDeliveryPage");

export type CreateWebhookInput = z.infer<typeof CreateWebhookSchema>;
export type UpdateWebhookInput = z.infer<typeof UpdateWebhookSchema>;
export type WebhookView = z.infer<typeof WebhookSchema>;
export type DeliveryView = z.infer<typeof DeliverySchema>;
