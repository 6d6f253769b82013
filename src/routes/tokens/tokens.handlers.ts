import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { createApiToken, listVisibleTokens, revokeApiToken } from "../../operations/tokens";
import type * as routes from "./tokens.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

export const createToken: Handler<"createToken"> = async (c) => {
  return c.json(await createApiToken(c, c.req.valid("json")), 201);
};

export const listTokens: Handler<"listTokens"> = async (c) => {
  return c.json({ items: await listVisibleTokens(c) }, 200);
};

export const revokeToken: Handler<"revokeToken"> = async (c) => {
  return c.json(await revokeApiToken(c, c.req.valid("param").id), 200);
};
