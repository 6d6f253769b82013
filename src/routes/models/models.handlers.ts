import type { RouteHandler } from "@hono/zod-openapi";
import { createDb } from "../../db/client";
import { listModels as listModelRows, readModelView } from "../../db/repos/models-repo";
import { inScope } from "../../domain/scopes";
import type { AppEnv } from "../../env";
import { ledgerFor, unwrap } from "../../ledger/ledger-client";
import { ApiError } from "../../lib/problem";
import { assertVisible, changeContext, idempotentContext } from "../context";
import { parseFilterQuery } from "../search/parse-query";
import type * as routes from "./models.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

export const createModel: Handler<"createModel"> = async (c) => {
  const input = c.req.valid("json");
  if (!inScope(c.get("actor").scopes, input.name)) {
    throw new ApiError("PERMISSION_DENIED", `'${input.name}' is outside your token's scopes`);
  }
  const result = await ledgerFor(c.env, input.name).createModel(input, await idempotentContext(c, input));
  const model = unwrap(result);
  c.header("location", `/api/v1/models/${encodeURIComponent(model.name)}`);
  return c.json(model, result.ok && result.replayed ? 200 : 201);
};

export const listModels: Handler<"listModels"> = async (c) => {
  const q = c.req.valid("query");
  const page = await listModelRows(createDb(c.env.DB), {
    scopes: c.get("actor").scopes,
    filter: parseFilterQuery(q.filter, "models"),
    order: q.order_by,
    pageSize: q.page_size,
    pageToken: q.page_token,
  });
  return c.json(page, 200);
};

export const getModel: Handler<"getModel"> = async (c) => {
  const { name } = c.req.valid("param");
  assertVisible(c, name);
  const model = await readModelView(createDb(c.env.DB), name);
  if (!model) throw new ApiError("MODEL_NOT_FOUND", `model '${name}' does not exist`);
  return c.json(model, 200);
};

export const updateModel: Handler<"updateModel"> = async (c) => {
  const { name } = c.req.valid("param");
  assertVisible(c, name);
  const { description } = c.req.valid("json");
  return c.json(unwrap(await ledgerFor(c.env, name).updateModel(name, description, changeContext(c))), 200);
};

export const deleteModel: Handler<"deleteModel"> = async (c) => {
  const { name } = c.req.valid("param");
  assertVisible(c, name);
  unwrap(await ledgerFor(c.env, name).deleteModel(name, changeContext(c)));
  return c.body(null, 204);
};

export const setModelTag: Handler<"setModelTag"> = async (c) => {
  const { name, key } = c.req.valid("param");
  assertVisible(c, name);
  const { value } = c.req.valid("json");
  return c.json(unwrap(await ledgerFor(c.env, name).setModelTag(name, key, value, changeContext(c))), 200);
};

export const deleteModelTag: Handler<"deleteModelTag"> = async (c) => {
  const { name, key } = c.req.valid("param");
  assertVisible(c, name);
  return c.json(unwrap(await ledgerFor(c.env, name).deleteModelTag(name, key, changeContext(c))), 200);
};
