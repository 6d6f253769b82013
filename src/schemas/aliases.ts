import { z } from "@hono/zod-openapi";
import { ModelParamsSchema } from "./common";

/** `latest` and `production` are virtual (computed), so nobody may set them. */
export const RESERVED_ALIASES = ["latest", "production"] as const;

export const AliasNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, "must match ^[A-Za-z_][A-Za-z0-9_-]{0,63}$")
  .openapi({ example: "champion" });

export const AliasParamsSchema = ModelParamsSchema.extend({
  alias: AliasNameSchema.openapi({ param: { name: "alias", in: "path" } }),
});

export const SetAliasSchema = z.strictObject({ version: z.number().int().min(1) }).openapi("SetAlias");
