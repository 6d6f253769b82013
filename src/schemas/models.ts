import { z } from "@hono/zod-openapi";
import { DescriptionSchema, ModelNameSchema, PageQuerySchema, TagsSchema, TimestampSchema } from "./common";
import { FilterQuerySchema } from "./discovery";

export const CreateModelSchema = z
  .strictObject({
    name: ModelNameSchema,
    description: DescriptionSchema.default(""),
    tags: TagsSchema.default({}),
  })
  .openapi("CreateModel");

export const UpdateModelSchema = z.strictObject({ description: DescriptionSchema }).openapi("UpdateModel");

export const ModelSchema = z
  .object({
    name: ModelNameSchema,
    description: z.string(),
    owner: z.string(),
    tags: TagsSchema,
    aliases: z.record(z.string(), z.number().int()).openapi({ example: { champion: 3 } }),
    latest_version: z.number().int().nullable(),
    production_version: z.number().int().nullable(),
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
  })
  .openapi("RegisteredModel");

export const MODEL_ORDERS = ["name ASC", "name DESC", "updated_at ASC", "updated_at DESC"] as const;

export const ListModelsQuerySchema = PageQuerySchema.extend({
  filter: FilterQuerySchema,
  order_by: z
    .enum(MODEL_ORDERS)
    .default("name ASC")
    .openapi({ param: { name: "order_by", in: "query" } }),
});

export type CreateModelInput = z.infer<typeof CreateModelSchema>;
export type ModelView = z.infer<typeof ModelSchema>;
export type ModelOrder = (typeof MODEL_ORDERS)[number];
