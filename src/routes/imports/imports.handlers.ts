import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { ledgerFor, unwrap } from "../../ledger/ledger-client";
import { assertVisible, changeContext } from "../context";
import { checkVersionInput } from "../versions/versions.handlers";
import type * as routes from "./imports.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

export const importVersion: Handler<"importVersion"> = async (c) => {
  const { name, version } = c.req.valid("param");
  assertVisible(c, name);
  const input = c.req.valid("json");
  await checkVersionInput(c.env, input);
  const result = unwrap(await ledgerFor(c.env, name).importVersion(name, version, input, changeContext(c)));
  return c.json(result.version, result.created ? 201 : 200);
};
