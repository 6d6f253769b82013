import type { RouteHandler } from "@hono/zod-openapi";
import { createDb } from "../../db/client";
import { resolveAlias } from "../../db/repos/aliases-repo";
import type { AppEnv } from "../../env";
import { ApiError } from "../../lib/problem";
import { ALIAS_FILE_CACHE, serveManifestFile, VERSION_FILE_CACHE } from "../../operations/files";
import type * as routes from "./files.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

export const getVersionFile: Handler<"getVersionFile"> = async (c) => {
  const { name, version, path } = c.req.valid("param");
  return serveManifestFile(c, name, async () => version, path, VERSION_FILE_CACHE);
};

export const getAliasFile: Handler<"getAliasFile"> = async (c) => {
  const { name, alias, path } = c.req.valid("param");
  const db = createDb(c.env.DB);
  const pick = async (modelId: string) => {
    const resolved = await resolveAlias(db, modelId, alias);
    if (!resolved) throw new ApiError("ALIAS_NOT_FOUND", `model '${name}' has no alias '${alias}'`);
    return resolved.version;
  };
  return serveManifestFile(c, name, pick, path, ALIAS_FILE_CACHE);
};
