import type { RouteHandler } from "@hono/zod-openapi";
import { createDb } from "../../db/client";
import { findModelRow } from "../../db/repos/models-repo";
import { readPolicy } from "../../db/repos/policies-repo";
import type { AppEnv } from "../../env";
import { ledgerFor, unwrap } from "../../ledger/ledger-client";
import { ApiError } from "../../lib/problem";
import { assertVisible, changeContext } from "../context";
import type * as routes from "./policy.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

export const getPolicy: Handler<"getPolicy"> = async (c) => {
  const { name } = c.req.valid("param");
  assertVisible(c, name);
  const db = createDb(c.env.DB);
  const model = await findModelRow(db, name);
  if (!model) throw new ApiError("MODEL_NOT_FOUND", `model '${name}' does not exist`);
  return c.json({ name, ...(await readPolicy(db, model.id)) }, 200);
};

export const setPolicy: Handler<"setPolicy"> = async (c) => {
  const { name } = c.req.valid("param");
  assertVisible(c, name);
  const policy = c.req.valid("json");
  const result = await ledgerFor(c.env, name).setPolicy(name, policy, changeContext(c));
  return c.json(unwrap(result), 200);
};
