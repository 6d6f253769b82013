import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createDb } from "../../db/client";
import { resolveAlias } from "../../db/repos/aliases-repo";
import { findVersionRow } from "../../db/repos/versions-repo";
import { digestHex } from "../../domain/artifacts";
import { ARTIFACTS_PURGED } from "../../domain/retention";
import type { AppEnv } from "../../env";
import { ApiError } from "../../lib/problem";
import { serveBlob } from "../../storage/blob-download";
import { serveOptions } from "../blobs/blobs.handlers";
import { modelRowOr404 } from "../context";
import type * as routes from "./files.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

/** A version's files never change, but they are behind a token: private, yet cacheable for good. */
const VERSION_FILE_CACHE = "private, max-age=31536000, immutable";
/** An alias can move: clients revalidate after a minute and get 304 while the digest is the same. */
const ALIAS_FILE_CACHE = "private, max-age=60";

async function serveManifestFile(
  c: Context<AppEnv>,
  name: string,
  pick: (modelId: string) => Promise<number | null>,
  path: string,
  cacheControl: string,
): Promise<Response> {
  const db = createDb(c.env.DB);
  const model = await modelRowOr404(c, db, name);
  const number = await pick(model.id);
  const version = number === null ? undefined : await findVersionRow(db, model.id, number);
  if (!version) throw new ApiError("VERSION_NOT_FOUND", `model '${name}' has no such version`);
  // Retention purged the bytes (issue #6): the metadata stays, the files are gone for good.
  if (version.status === ARTIFACTS_PURGED) {
    throw new ApiError(
      "ARTIFACTS_PURGED",
      `the artifacts of ${name}/${version.version} were purged by retention`,
    );
  }
  const file = version.files.find((f) => f.path === path);
  if (!file) throw new ApiError("FILE_NOT_FOUND", `version ${name}/${version.version} has no file '${path}'`);
  const response = await serveBlob(
    c.env,
    digestHex(file.digest),
    serveOptions(c, file.media_type, cacheControl),
  );
  response.headers.set("x-model-version", String(version.version));
  return response;
}

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
