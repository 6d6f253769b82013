import type { RouteHandler } from "@hono/zod-openapi";
import { requestSession } from "../../db/session";
import type { AppEnv } from "../../env";
import { ledgerFor, unwrap } from "../../ledger/ledger-client";
import { modelRollouts, moveRollout, type RolloutMove } from "../../operations/rollouts";
import { assertVisible, changeContext } from "../context";
import type * as routes from "./rollouts.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

export const createRollout: Handler<"createRollout"> = async (c) => {
  const { name } = c.req.valid("param");
  assertVisible(c, name);
  const input = c.req.valid("json");
  const rollout = unwrap(await ledgerFor(c.env, name).startRollout(name, input, changeContext(c)));
  c.header("location", `/api/v1/models/${name}/rollouts?status=active`);
  return c.json(rollout, 201);
};

export const listRollouts: Handler<"listRollouts"> = async (c) => {
  const { name } = c.req.valid("param");
  const { status, page_size, page_token } = c.req.valid("query");
  const page = await modelRollouts(requestSession(c).db, c.get("actor").scopes, name, {
    status,
    pageSize: page_size,
    pageToken: page_token,
  });
  return c.json(page, 200);
};

const mover =
  (move: RolloutMove): Handler<"advanceRollout"> =>
  async (c) => {
    const { id } = c.req.valid("param");
    // The body is optional: without one the validator passes nothing.
    const body = c.req.valid("json") as { reason?: string } | undefined;
    const ctx = changeContext(c, body?.reason || undefined);
    const rollout = await moveRollout(c.env, requestSession(c).db, c.get("actor").scopes, id, move, ctx);
    return c.json(rollout, 200);
  };

export const advanceRollout = mover("advance");
export const promoteRollout = mover("promote");
export const abortRollout = mover("abort");
