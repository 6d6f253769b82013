import type { RouteHandler } from "@hono/zod-openapi";
import type { Db } from "../../db/client";
import { createDb } from "../../db/client";
import { listDeliveries as listDeliveryRows } from "../../db/repos/deliveries-repo";
import {
  findWebhook,
  listWebhooks as listWebhookRows,
  toWebhookView,
  type WebhookRow,
} from "../../db/repos/webhooks-repo";
import { patternWithin } from "../../domain/scopes";
import type { AppEnv } from "../../env";
import { createSubscription, deleteSubscription, updateSubscription } from "../../events/subscriptions";
import { ApiError } from "../../lib/problem";
import { redeliverDelivery } from "../../operations/webhooks";
import { changeContext } from "../context";
import type * as routes from "./webhooks.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

export const createWebhook: Handler<"createWebhook"> = async (c) => {
  const created = await createSubscription(c.env, c.req.valid("json"), changeContext(c));
  c.header("location", `/api/v1/webhooks/${created.id}`);
  return c.json(created, 201);
};

export const listWebhooks: Handler<"listWebhooks"> = async (c) => {
  const { page_size, page_token } = c.req.valid("query");
  const scopes = c.get("actor").scopes;
  return c.json(await listWebhookRows(createDb(c.env.DB), scopes, page_size, page_token), 200);
};

/** A subscription watching beyond the caller's scopes looks exactly like one that does not exist. */
async function visibleWebhook(db: Db, id: string, scopes: string[] | null): Promise<WebhookRow> {
  const row = await findWebhook(db, id);
  if (!row || !patternWithin(row.modelPattern, scopes)) {
    throw new ApiError("WEBHOOK_NOT_FOUND", `no webhook '${id}'`);
  }
  return row;
}

export const getWebhook: Handler<"getWebhook"> = async (c) => {
  const { id } = c.req.valid("param");
  const row = await visibleWebhook(createDb(c.env.DB), id, c.get("actor").scopes);
  return c.json(toWebhookView(row), 200);
};

export const updateWebhook: Handler<"updateWebhook"> = async (c) => {
  const { id } = c.req.valid("param");
  return c.json(await updateSubscription(c.env, id, c.req.valid("json"), changeContext(c)), 200);
};

export const deleteWebhook: Handler<"deleteWebhook"> = async (c) => {
  await deleteSubscription(c.env, c.req.valid("param").id, changeContext(c));
  return c.body(null, 204);
};

export const listDeliveries: Handler<"listDeliveries"> = async (c) => {
  const { id } = c.req.valid("param");
  const { page_size, page_token } = c.req.valid("query");
  const db = createDb(c.env.DB);
  await visibleWebhook(db, id, c.get("actor").scopes);
  return c.json(await listDeliveryRows(db, id, page_size, page_token), 200);
};

export const redeliver: Handler<"redeliver"> = async (c) => {
  return c.json(await redeliverDelivery(c, c.req.valid("param").id), 202);
};
