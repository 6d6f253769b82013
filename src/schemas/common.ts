import { z } from "@hono/zod-openapi";
import { LIMITS } from "../domain/limits";
import { hasControlCharacters } from "../domain/text";
import { ERROR_STATUS } from "../lib/problem";

export const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;

export const ModelNameSchema = z
  .string()
  .regex(MODEL_NAME_PATTERN, "must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
  .openapi({ example: "fraud-detector" });

export const DigestSchema = z
  .string()
  .regex(DIGEST_PATTERN, "must be sha256:<64 lowercase hex>")
  .openapi({ example: `sha256:${"ab".repeat(32)}` });

export const TagKeySchema = z
  .string()
  .min(1)
  .max(LIMITS.tagKeyChars)
  .refine((k) => !hasControlCharacters(k), "must not contain control characters");

export const TagsSchema = z
  .record(TagKeySchema, z.string().max(LIMITS.tagValueChars))
  .refine((tags) => Object.keys(tags).length <= LIMITS.tagsPerObject, {
    message: `at most ${LIMITS.tagsPerObject} tags`,
  })
  .openapi("Tags", { example: { team: "risk" } });

export const DescriptionSchema = z.string().max(LIMITS.descriptionChars);

export const TimestampSchema = z
  .string()
  .openapi({ format: "date-time", example: "2026-11-26T04:28:12.000Z" });

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.enum(Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS]),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    request_id: z.string().optional(),
  })
  .openapi("Problem");

export const PageQuerySchema = z.object({
  page_size: z.coerce
    .number()
    .int()
    .min(1)
    .max(LIMITS.pageSizeMax)
    .default(LIMITS.pageSizeDefault)
    .openapi({ param: { name: "page_size", in: "query" }, example: 100 }),
  page_token: z
    .string()
    .max(512)
    .optional()
    .openapi({ param: { name: "page_token", in: "query" } }),
});

export const pageOf = <T extends z.ZodTypeAny>(item: T, name: string) =>
  z.object({ items: z.array(item), next_page_token: z.string().nullable() }).openapi(name);

export const ModelParamsSchema = z.object({
  name: ModelNameSchema.openapi({ param: { name: "name", in: "path" } }),
});

/**
 * A positive integer in a path, written only in canonical decimal (`1`, `42`): `0x10`, `1e1`,
 * `0b10`, ` 7`, `07` or `1.0` would otherwise coerce to numbers and name a version nobody wrote.
 */
export const pathNumber = (max: number) =>
  z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/, "a positive whole number in plain decimal, such as 3")
    .transform(Number)
    .pipe(z.number().int().min(1).max(max));

export const VersionParamsSchema = ModelParamsSchema.extend({
  version: pathNumber(2 ** 31).openapi({ param: { name: "version", in: "path" }, example: "3" }),
});

export const TagParamsSchema = z.object({
  key: TagKeySchema.openapi({ param: { name: "key", in: "path" }, example: "team" }),
});

export const TagValueBodySchema = z
  .strictObject({ value: z.string().max(LIMITS.tagValueChars) })
  .openapi("TagValue");

const problemContent = { "application/problem+json": { schema: ProblemSchema } };

/** Error responses spread into every route so the OpenAPI document shows them. */
export const errorResponses = {
  400: { description: "Invalid request", content: problemContent },
  401: { description: "Missing or invalid token", content: problemContent },
  403: { description: "The token's role does not allow this", content: problemContent },
  404: { description: "Not found (or outside the token's scope)", content: problemContent },
  409: { description: "Conflicts with the current state", content: problemContent },
  413: { description: "Request too large", content: problemContent },
  422: { description: "Well-formed but refused", content: problemContent },
} as const;

export const jsonBody = <T extends z.ZodTypeAny>(schema: T, description?: string) => ({
  content: { "application/json": { schema } },
  required: true,
  ...(description ? { description } : {}),
});

export const jsonResponse = <T extends z.ZodTypeAny>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});
