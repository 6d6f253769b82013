import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { rollbackModel, signOffReview as signOff, transitionVersion } from "../../operations/governance";
import type * as routes from "./stages.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

export const transition: Handler<"transition"> = async (c) => {
  const { name, version } = c.req.valid("param");
  const { to, comment, fast_track } = c.req.valid("json");
  return c.json(await transitionVersion(c, name, version, { to, comment, fastTrack: fast_track }), 200);
};

export const rollback: Handler<"rollback"> = async (c) => {
  const { name } = c.req.valid("param");
  const { reason, to_version } = c.req.valid("json");
  return c.json(await rollbackModel(c, name, reason, to_version), 200);
};

export const signOffReview: Handler<"signOffReview"> = async (c) => {
  const { name, version } = c.req.valid("param");
  const { comment } = c.req.valid("json");
  return c.json(await signOff(c, name, version, comment), 200);
};
