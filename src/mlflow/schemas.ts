/**
 * MLflow's request and response messages in zod (for validation and the OpenAPI document).
 * GET parameters arrive as strings (`max_results=10000`); `version` is a string in MLflow's protos,
 * and numbers are accepted too. Unknown fields are ignored, as MLflow's JSON parser does.
 */
import { z } from "@hono/zod-openapi";
import { AliasNameSchema } from "../schemas/aliases";
import { DescriptionSchema, ModelNameSchema, TagKeySchema } from "../schemas/common";

const Name = ModelNameSchema;
const VersionParam = z
  .union([z.string().regex(/^\d{1,10}$/, "must be a positive integer"), z.number().int()])
  .transform(Number)
  .pipe(
    z
      .number()
      .int()
      .min(1)
      .max(2 ** 31),
  )
  .openapi({ type: "string", example: "1" });
const TagValue = z.string().max(5000);
const Tag = z.object({ key: TagKeySchema, value: TagValue }).openapi("MlflowTag");
const Tags = z.array(Tag).max(100).optional();

export const TagSchema = Tag;
export const CreateRegisteredModelSchema = z.object({
  name: Name,
  tags: Tags,
  description: DescriptionSchema.optional(),
});
export const NameOnlySchema = z.object({ name: Name });
export const RenameSchema = z.object({ name: Name, new_name: Name });
export const UpdateRegisteredModelSchema = z.object({
  name: Name,
  description: DescriptionSchema.optional(),
});
export const ModelTagSchema = z.object({ name: Name, key: TagKeySchema, value: TagValue });
export const ModelTagKeySchema = z.object({ name: Name, key: TagKeySchema });
export const SetAliasSchema = z.object({
  name: Name,
  alias: AliasNameSchema,
  version: VersionParam,
});
export const AliasRefSchema = z.object({ name: Name, alias: AliasNameSchema });
export const LatestVersionsSchema = z.object({ name: Name, stages: z.array(z.string()).max(4).optional() });

export const SearchQuerySchema = z.object({
  filter: z.string().optional(),
  max_results: z
    .string()
    .regex(/^\d{1,7}$/, "must be a positive integer")
    .optional(),
  order_by: z.union([z.string(), z.array(z.string())]).optional(),
  page_token: z.string().max(512).optional(),
});

export const CreateVersionSchema = z.object({
  name: Name,
  source: z.string().min(1).max(2048),
  run_id: z.string().max(256).optional(),
  tags: Tags,
  run_link: z.string().max(2048).optional(),
  description: DescriptionSchema.optional(),
});
export const VersionRefSchema = z.object({ name: Name, version: VersionParam });
export const UpdateVersionSchema = z.object({
  name: Name,
  version: VersionParam,
  description: DescriptionSchema.optional(),
});
export const TransitionSchema = z.object({
  name: Name,
  version: VersionParam,
  stage: z.string().min(1),
  archive_existing_versions: z
    .union([z.boolean(), z.enum(["true", "false"]).transform((s) => s === "true")])
    .optional(),
});
export const VersionTagSchema = z.object({
  name: Name,
  version: VersionParam,
  key: TagKeySchema,
  value: TagValue,
});
export const VersionTagKeySchema = z.object({ name: Name, version: VersionParam, key: TagKeySchema });

// ---- responses ----

export const ModelVersionSchema = z
  .object({
    name: z.string(),
    version: z.string(),
    creation_timestamp: z.number().int(),
    last_updated_timestamp: z.number().int(),
    current_stage: z.string(),
    description: z.string(),
    source: z.string(),
    run_id: z.string(),
    status: z.string(),
    tags: z.array(Tag).optional(),
    run_link: z.string(),
    aliases: z.array(z.string()).optional(),
  })
  .openapi("MlflowModelVersion");

export const RegisteredModelSchema = z
  .object({
    name: z.string(),
    creation_timestamp: z.number().int(),
    last_updated_timestamp: z.number().int(),
    description: z.string().optional(),
    latest_versions: z.array(ModelVersionSchema).optional(),
    tags: z.array(Tag).optional(),
    aliases: z.array(z.object({ alias: z.string(), version: z.string() })).optional(),
  })
  .openapi("MlflowRegisteredModel");

export const EmptySchema = z.object({}).openapi("MlflowEmpty");
export const RegisteredModelResponse = z.object({ registered_model: RegisteredModelSchema });
export const ModelVersionResponse = z.object({ model_version: ModelVersionSchema });
export const ModelVersionsResponse = z.object({
  model_versions: z.array(ModelVersionSchema).optional(),
  next_page_token: z.string().optional(),
});
export const RegisteredModelsResponse = z.object({
  registered_models: z.array(RegisteredModelSchema).optional(),
  next_page_token: z.string().optional(),
});
export const DownloadUriResponse = z.object({ artifact_uri: z.string() });
export const MlflowErrorSchema = z
  .object({ error_code: z.string(), message: z.string() })
  .openapi("MlflowError");
