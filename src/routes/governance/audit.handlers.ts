import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { auditPage, verifyModelChain } from "../../operations/audit";
import type * as routes from "./audit.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

export const listAudit: Handler<"listAudit"> = async (c) =>
  c.json(await auditPage(c, c.req.valid("query")), 200);

export const verifyAudit: Handler<"verifyAudit"> = async (c) => {
  const { cursor, max_entries } = c.req.valid("query");
  return c.json(await verifyModelChain(c, c.req.valid("param").name, cursor, max_entries), 200);
};
