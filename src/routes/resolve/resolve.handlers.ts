import type { RouteHandler } from "@hono/zod-openapi";
import { resolveByName, type Selector } from "../../db/repos/resolve-repo";
import { exposeBookmark, requestSession } from "../../db/session";
import { etagMatches } from "../../domain/etags";
import { blobPath, resolutionEtag } from "../../domain/resolution";
import { nodeBucket } from "../../domain/rollouts/bucket";
import type { AppEnv } from "../../env";
import { ApiError } from "../../lib/problem";
import { assertVisible } from "../context";
import type * as routes from "./resolve.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

/** What the query asks for; a node id on an alias brings the node's rollout bucket along. */
async function selector(name: string, alias?: string, stage?: string, nodeId?: string): Promise<Selector> {
  if (stage) return { stage };
  const target = alias ?? "latest";
  return { alias: target, bucket: nodeId === undefined ? undefined : await nodeBucket(name, target, nodeId) };
}

/** One read through a D1 session (nearest replica unless the client sent a bookmark). */
export const resolveModel: Handler<"resolveModel"> = async (c) => {
  const { name } = c.req.valid("param");
  assertVisible(c, name);
  const { alias, stage, node_id } = c.req.valid("query");
  const session = requestSession(c);
  const found = await resolveByName(session.db, name, await selector(name, alias, stage, node_id));
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
