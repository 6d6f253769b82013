/** Serving a file of a version's manifest: the API's file routes and the console's download links. */
import type { Context } from "hono";
import { createDb } from "../db/client";
import { findVersionRow } from "../db/repos/versions-repo";
import { digestHex } from "../domain/artifacts";
import { ARTIFACTS_PURGED } from "../domain/retention";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/problem";
import { serveOptions } from "../routes/blobs/blobs.handlers";
import { modelRowOr404 } from "../routes/context";
import { serveBlob } from "../storage/blob-download";

/** A version's files never change, but they are behind a token: private, yet cacheable for good. */
export const VERSION_FILE_CACHE = "private, max-age=31536000, immutable";
/** An alias can move: clients revalidate after a minute and get 304 while the digest is the same. */
export const ALIAS_FILE_CACHE = "private, max-age=60";

export async function serveManifestFile(
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
