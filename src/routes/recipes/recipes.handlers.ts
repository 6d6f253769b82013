import type { RouteHandler } from "@hono/zod-openapi";
import { digestHex } from "../../domain/artifacts";
import type { AppEnv } from "../../env";
import { readRecipe, registerRecipe } from "../../storage/chunked-files";
import type * as routes from "./recipes.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

export const putRecipe: Handler<"putRecipe"> = async (c) => {
  const { digest } = c.req.valid("param");
  const body = c.req.valid("json");
  const { created, ...written } = await registerRecipe(
    c.env,
    {
      hex: digestHex(digest),
      size: body.size,
      layout: body.layout,
      chunks: body.chunks,
      deferVerification: body.defer_verification,
    },
    c.get("actor").name,
    Date.now(),
  );
  if (!created) return c.json(written, 200);
  return written.status === "pending" ? c.json(written, 202) : c.json(written, 201);
};

export const getRecipe: Handler<"getRecipe"> = async (c) => {
  const { digest } = c.req.valid("param");
  return c.json(await readRecipe(c.env, digestHex(digest)), 200);
};
