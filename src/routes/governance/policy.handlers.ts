import type { RouteHandler } from "@hono/zod-openapi";
import { createDb } from "../../db/client";
import { readPolicy } from "../../db/repos/policies-repo";
import type { AppEnv } from "../../env";
import { ledgerFor, unwrap } from "../../ledger/ledger-client";
import { assertVisible, changeContext, modelRowOr404 } from "../context";
import type * as routes from "./policy.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

export const getPolicy: Handler<"getPolicy"> = async (c) => {
  const { name } = c.req.valid("param");
  const db = createDb(c.env.DB);
  const model = await modelRowOr404(c, db, name);
  return c.json({ name, ...(await readPolicy(db, model.id)) }, 200);
};

export const setPolicy: Handler<"setPolicy"> = async (c) => {
  const { name } = c.req.valid("param");
  assertVisible(c, name);
  const policy = c.req.valid("json");
  const result = await ledgerFor(c.env, name).setPolicy(name, policy, changeContext(c));
  return c.json(unwrap(result), 200);
};
