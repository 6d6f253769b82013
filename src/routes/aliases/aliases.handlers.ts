import type { RouteHandler } from "@hono/zod-openapi";
import { createDb } from "../../db/client";
import { readAliasView } from "../../db/repos/aliases-repo";
import { toVersionView } from "../../db/repos/versions-repo";
import type { AppEnv } from "../../env";
import { aliasReadResponse, cachedAliasRead } from "../../lib/alias-read-cache";
import { ApiError } from "../../lib/problem";
import { moveAlias, deleteAlias as removeAlias } from "../../operations/governance";
import { assertVisible } from "../context";
import type * as routes from "./aliases.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

export const setAlias: Handler<"setAlias"> = async (c) => {
  const { name, alias } = c.req.valid("param");
  const { version } = c.req.valid("json");
  return c.json(await moveAlias(c, name, alias, version, c.req.header("if-match")), 200);
};

export const deleteAlias: Handler<"deleteAlias"> = async (c) => {
  const { name, alias } = c.req.valid("param");
  await removeAlias(c, name, alias, c.req.header("if-match"));
  return c.body(null, 204);
};

export const getAlias: Handler<"getAlias"> = async (c) => {
  const { name, alias } = c.req.valid("param");
  assertVisible(c, name);
  // Polled: answered from this isolate's memory for up to 1 s (src/lib/alias-read-cache.ts).
  const read = await cachedAliasRead("native", name, alias, async () => {
    const found = await readAliasView(createDb(c.env.DB), name, alias);
    if (!found) throw new ApiError("MODEL_NOT_FOUND", `model '${name}' does not exist`);
    if (!found.version || !found.etag) {
      throw new ApiError("ALIAS_NOT_FOUND", `model '${name}' has no alias '${alias}'`);
    }
    return { body: JSON.stringify(toVersionView(name, found.version)), etag: found.etag };
  });
  // Pollers revalidate every time (no-cache) and get a bodiless 304 until the alias moves.
  return aliasReadResponse(read, c.req.header("if-none-match"));
};
