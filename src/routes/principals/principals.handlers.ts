import type { RouteHandler } from "@hono/zod-openapi";
import { createDb } from "../../db/client";
import { listPrincipals as listPrincipalRows } from "../../db/repos/principals-repo";
import type { AppEnv } from "../../env";
import { ledgerFor, SYSTEM_LEDGER, unwrap } from "../../ledger/ledger-client";
import { newId } from "../../lib/ids";
import { changeContext } from "../context";
import type * as routes from "./principals.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

export const createPrincipal: Handler<"createPrincipal"> = async (c) => {
  const input = c.req.valid("json");
  const actor = c.get("actor");
  const row = {
    id: newId("prn"),
    name: input.name,
    kind: input.kind,
    // Omitted scopes are the creator's own: a scoped admin never makes an unscoped principal.
    scopes: input.scopes ?? actor.scopes,
    createdBy: actor.name,
    createdAt: Date.now(),
  };
  const principal = unwrap(await ledgerFor(c.env, SYSTEM_LEDGER).createPrincipal(row, changeContext(c)));
  return c.json(principal, 201);
};

export const listPrincipals: Handler<"listPrincipals"> = async (c) => {
  return c.json({ items: await listPrincipalRows(createDb(c.env.DB), c.get("actor").scopes) }, 200);
};
