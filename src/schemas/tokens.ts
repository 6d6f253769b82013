import { z } from "@hono/zod-openapi";
import { LIMITS } from "../domain/limits";
import { TOKEN_ROLES } from "../domain/roles";
import { SCOPE_PATTERN } from "../domain/scopes";
import { TimestampSchema } from "./common";

export const CreateTokenSchema = z
  .strictObject({
    name: z.string().min(1).max(LIMITS.tokenNameChars),
    role: z.enum(TOKEN_ROLES),
    scopes: z
      .array(z.string().regex(SCOPE_PATTERN, "a model-name glob such as fraud-*"))
      .min(1)
      .max(LIMITS.scopesPerToken)
      .optional()
      .openapi({ example: ["fraud-*"] }),
    expires_in_days: z.number().int().min(1).max(3650).optional(),
    principal_id: z.string().max(64).optional().openapi({
      description:
        "The principal the token belongs to; omitted: a new service principal named like the token.",
    }),
  })
  .openapi("CreateToken");

export const TokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(TOKEN_ROLES),
    scopes: z.array(z.string()).nullable(),
    created_by: z.string(),
    created_at: TimestampSchema,
    expires_at: TimestampSchema.nullable(),
    revoked_at: TimestampSchema.nullable(),
    principal_id: z.string().nullable(),
  })
  .openapi("Token");

export const CreatedTokenSchema = TokenSchema.extend({
  token: z.string().openapi({ description: "The secret. Shown once; only its SHA-256 is stored." }),
}).openapi("CreatedToken");

export const TokenParamsSchema = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});

export type CreateTokenInput = z.infer<typeof CreateTokenSchema>;
export type TokenView = z.infer<typeof TokenSchema>;
