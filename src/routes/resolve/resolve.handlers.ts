import type { RouteHandler } from "@hono/zod-openapi";
import { resolveByName, type Selector } from "../../db/repos/resolve-repo";
import { BOOKMARK_HEADER, exposeBookmark, requestSession } from "../../db/session";
import { blobPath, resolutionEtag } from "../../domain/resolution";
import { nodeBucket } from "../../domain/rollouts/bucket";
import type { AppEnv } from "../../env";
import { aliasReadResponse, cachedAliasRead } from "../../lib/alias-read-cache";
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

/** The cache key of a resolve read: what it asked for (src/routes/hot-reads.ts builds the alias-only one). */
export function resolveKey(
  alias: string | undefined,
  stage: string | undefined,
  bucket: number | undefined,
): string {
  return `${alias ?? ""}\u0000${stage ?? ""}\u0000${bucket ?? ""}`;
}

/**
 * One read through a D1 session (nearest replica unless the client sent a bookmark). Polled by
 * serving nodes: answered from this isolate's memory for up to 1 s (src/lib/alias-read-cache.ts),
 * except when the client sent a bookmark (it asked to read at least that far: read through D1).
 */
export const resolveModel: Handler<"resolveModel"> = async (c) => {
  const { name } = c.req.valid("param");
  assertVisible(c, name);
  const { alias, stage, node_id } = c.req.valid("query");
  const wanted = await selector(name, alias, stage, node_id);
  const load = async () => {
    const session = requestSession(c);
    const found = await resolveByName(session.db, name, wanted);
    exposeBookmark(c, session);
    if (!found) throw new ApiError("MODEL_NOT_FOUND", `model '${name}' does not exist`);
    const { model, version: row } = found;
    if (!row) {
      throw stage
        ? new ApiError("VERSION_NOT_FOUND", `model '${name}' has no version in stage ${stage}`)
        : new ApiError("ALIAS_NOT_FOUND", `model '${name}' has no alias '${alias}' (or no versions)`);
    }
    const body = {
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
    };
    const etag = resolutionEtag(row.manifestDigest, row.version);
    return { body: JSON.stringify(body), etag, bookmark: session.bookmark() };
  };
  const read =
    c.req.header(BOOKMARK_HEADER) === undefined
      ? await cachedAliasRead("resolve", name, resolveKey(alias, stage, wanted.bucket), load)
      : await load();
  // Pollers revalidate every time (no-cache) and get a bodiless 304 until the pointer moves.
  return aliasReadResponse(read, c.req.header("if-none-match"));
};
