/**
 * MLflow's artifact API (`/api/2.0/mlflow-artifacts/artifacts`) over our content-addressed store,
 * read-only: `get-download-uri` hands MLflow an http(s) URL under it for versions whose files live
 * with us, and MLflow's HttpArtifactRepository then lists with `?path=ROOT/DIR` and downloads
 * `…/artifacts/ROOT/FILE`. ROOT is `models/NAME/versions/N`; the bytes come straight from the blob
 * the version's manifest names (same ETag, Range and edge cache as the native file downloads).
 */
import type { Context } from "hono";
import { createDb } from "../../db/client";
import { findModelRow } from "../../db/repos/models-repo";
import { readVersionView } from "../../db/repos/versions-repo";
import { digestHex } from "../../domain/artifacts";
import { ARTIFACTS_PURGED } from "../../domain/retention";
import type { FileEntry } from "../../domain/version-record";
import type { AppEnv } from "../../env";
import { MlflowError, modelNotFound, versionNotFound } from "../../mlflow/errors";
import { serveBlob } from "../../storage/blob-download";
import { assertVisible } from "./mlflow-context";

export const ARTIFACTS_PATH = "/api/2.0/mlflow-artifacts/artifacts";

export function artifactRootUrl(requestUrl: string, name: string, version: number): string {
  return `${new URL(requestUrl).origin}${ARTIFACTS_PATH}/models/${encodeURIComponent(name)}/versions/${version}`;
}

interface Located {
  name: string;
  version: number;
  /** Path inside the version, "" for its root. */
  inner: string;
}

/** `models/NAME/versions/N[/inner]`, or null for paths that are not ours. */
function locate(path: string): Located | null {
  const m = /^\/*models\/([^/]+)\/versions\/(\d{1,10})(?:\/(.*))?$/.exec(path);
  if (!m?.[1] || !m[2]) return null;
  return { name: m[1], version: Number(m[2]), inner: (m[3] ?? "").replace(/\/+$/, "") };
}

async function versionFiles(c: Context<AppEnv>, at: Located): Promise<FileEntry[]> {
  assertVisible(c, at.name);
  const db = createDb(c.env.DB);
  const model = await findModelRow(db, at.name);
  if (!model) throw modelNotFound(at.name);
  const version = await readVersionView(db, model, at.version);
  if (!version) throw versionNotFound(at.name, at.version);
  // MLflow has no "gone": a retention purge reads as a missing artifact, with the reason spelled out.
  if (version.status === ARTIFACTS_PURGED) {
    throw new MlflowError(
      "RESOURCE_DOES_NOT_EXIST",
      `The artifacts of ${at.name} version ${at.version} were purged by its retention policy`,
    );
  }
  return version.files;
}

/** The immediate children of a directory, MLflow-style: `{path, is_dir, file_size?}`, by path. */
export function listDirectory(files: FileEntry[], dir: string) {
  const prefix = dir === "" ? "" : `${dir}/`;
  const entries = new Map<string, { path: string; is_dir: boolean; file_size?: number }>();
  for (const file of files) {
    if (!file.path.startsWith(prefix)) continue;
    const rest = file.path.slice(prefix.length);
    const slash = rest.indexOf("/");
    if (slash === -1) entries.set(rest, { path: rest, is_dir: false, file_size: file.size });
    else entries.set(rest.slice(0, slash), { path: rest.slice(0, slash), is_dir: true });
  }
  return [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export async function listArtifacts(c: Context<AppEnv>): Promise<Response> {
  const at = locate(c.req.query("path") ?? "");
  // Paths outside our layout hold nothing, which MLflow's server answers with an empty listing.
  if (!at) return c.json({}, 200);
  const children = listDirectory(await versionFiles(c, at), at.inner);
  return c.json(children.length > 0 ? { files: children } : {}, 200);
}

export async function downloadArtifact(c: Context<AppEnv>): Promise<Response> {
  const raw = new URL(c.req.url).pathname.slice(ARTIFACTS_PATH.length);
  let path: string;
  try {
    path = raw.split("/").map(decodeURIComponent).join("/");
  } catch {
    throw new MlflowError("INVALID_PARAMETER_VALUE", "the artifact path is not valid percent-encoding");
  }
  const at = locate(path);
  if (!at) throw new MlflowError("RESOURCE_DOES_NOT_EXIST", `No artifact at '${path}'`);
  const file = (await versionFiles(c, at)).find((f) => f.path === at.inner);
  if (!file)
    throw new MlflowError(
      "RESOURCE_DOES_NOT_EXIST",
      `No file '${at.inner}' in ${at.name} version ${at.version}`,
    );
  return serveBlob(c.env, digestHex(file.digest), {
    method: "GET",
    headers: c.req.raw.headers,
    contentType: file.media_type,
    // Not immutable: after a rename, a new model may take the old name and its version numbers.
    // The ETag is the blob digest, so revalidating costs a 304.
    cacheControl: "private, no-cache",
    requestId: c.get("requestId"),
    waitUntil: (p) => c.executionCtx.waitUntil(p),
  });
}
