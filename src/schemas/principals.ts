import { z } from "@hono/zod-openapi";
import { LIMITS } from "../domain/limits";
import { SCOPE_PATTERN } from "../domain/scopes";
import { TimestampSchema } from "./common";

export const PRINCIPAL_KINDS = ["person", "service"] as const;

export const CreatePrincipalSchema = z
  .strictObject({
    name: z.string().min(1).max(LIMITS.tokenNameChars).openapi({ example: "asha@acme.com" }),
    kind: z.enum(PRINCIPAL_KINDS),
    scopes: z
      .array(z.string().regex(SCOPE_PATTERN, "a model-name glob such as fraud-*"))
      .min(1)
      .max(LIMITS.scopesPerToken)
      .optional()
      .openapi({ description: "Omitted: the creator's own scopes.", example: ["fraud-*"] }),
  })
  .openapi("CreatePrincipal");

export const PrincipalSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(PRINCIPAL_KINDS),
    scopes: z.array(z.string()).nullable(),
    created_by: z.string(),
    created_at: TimestampSchema,
  })
  .openapi("Principal");

export type CreatePrincipalInput = z.infer<typeof CreatePrincipalSchema>;
export type PrincipalView = z.infer<typeof PrincipalSchema>;
