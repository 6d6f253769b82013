import type { RouteHandler } from "@hono/zod-openapi";
import { resolveByName } from "../../db/repos/resolve-repo";
import { exposeBookmark, requestSession } from "../../db/session";
import { etagMatches } from "../../domain/etags";
import { blobPath, resolutionEtag } from "../../domain/resolution";
import type { AppEnv } from "../../env";
import { ApiError } from "../../lib/problem";
import { assertVisible } from "../context";
import type * as routes from "./resolve.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

/** One read through a D1 session (nearest replica unless the client sent a bookmark). */
export const resolveModel: Handler<"resolveModel"> = async (c) => {
  const { name } = c.req.valid("param");
  assertVisible(c, name);
  const { alias, stage } = c.req.valid("query");
  const session = requestSession(c);
  const found = await resolveByName(session.db, name, stage ? { stage } : { alias: alias ?? "latest" });
  exposeBookmark(c, session);
  if (!found) throw new ApiError("MODEL_NOT_FOUND", `model '${name}' does not exist`);
  const { model, version: row } = found;
  if (!row) {
    throw stage
      ? new ApiError("VERSION_NOT_FOUND", `model '${name}' has no version in stage ${stage}`)
      : new ApiError("ALIAS_NOT_FOUND", `model '${name}' has no alias '${alias}' (or no versions)`);
  }
  const etag = resolutionEtag(row.manifestDigest, row.version);
  c.header("etag", etag);
  c.header("cache-control", "private, no-cache");
  if (etagMatches(c.req.header("if-none-match"), etag)) return c.body(null, 304);
  return c.json(
    {
      name: model.name,
      version: row.version,
      alias: alias ?? null,
      stage: row.stage,
      manifest_digest: row.manifestDigest,
      total_size: row.totalSize,
      files: row.files.map((f) => ({
        ...f,
        media_type: f.media_type ?? "application/octet-stream",
        url: blobPath(f.digest),
      })),
    },
    200,
  );
};
