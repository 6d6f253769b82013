/**
 * Where a model version's files are, and how to read them: MLflow's artifact API for
 * `mlflow-artifacts:` and http(s) artifact URIs, `runs:/` through the run's artifact root,
 * `models:/` through the source registry, local `file:` paths when this machine can read them.
 * Anything else (s3:, gs:, dbfs: …) cannot be copied from here; the importer says so.
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join, posix } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { formatDigest } from "../hash";
import {
  downloadUri,
  getRun,
  type MlflowSource,
  MlflowSourceError,
  sourceGet,
  versionByAlias,
} from "./source";

const ARTIFACTS_API = "/api/2.0/mlflow-artifacts/artifacts";

/** A readable artifact tree: either MLflow's artifact API (base URL + root path) or a local dir. */
export type ArtifactLocation =
  | { kind: "http"; base: string; root: string }
  | { kind: "local"; dir: string }
  | { kind: "unsupported"; uri: string; reason: string };

export interface ArtifactFile {
  /** Path inside the version (POSIX). */
  path: string;
  size: number;
}

/** Resolves a version's artifact URI to a location we can read (following runs:/ and models:/). */
export async function resolveLocation(src: MlflowSource, uri: string, depth = 0): Promise<ArtifactLocation> {
  if (depth > 4) return { kind: "unsupported", uri, reason: "too many indirections (runs:/ or models:/)" };
  const origin = src.url.replace(/\/+$/, "");
  if (uri.startsWith("mlflow-artifacts:")) {
    // mlflow-artifacts:/PATH or mlflow-artifacts://HOST[:PORT]/PATH
    const m = /^mlflow-artifacts:(?:\/\/([^/]+))?\/*(.*)$/.exec(uri);
    const host = m?.[1];
    const base = host ? `${new URL(origin).protocol}//${host}` : origin;
    return { kind: "http", base, root: (m?.[2] ?? "").replace(/\/+$/, "") };
  }
  if (/^https?:\/\//.test(uri)) {
    const at = uri.indexOf(ARTIFACTS_API);
    if (at === -1) return { kind: "unsupported", uri, reason: "an http URI outside MLflow's artifact API" };
    return {
      kind: "http",
      base: uri.slice(0, at),
      root: decodeURIComponent(uri.slice(at + ARTIFACTS_API.length).replace(/^\/+|\/+$/g, "")),
    };
  }
  if (uri.startsWith("runs:/")) {
    const m = /^runs:\/+([^/]+)\/?(.*)$/.exec(uri);
    if (!m?.[1]) return { kind: "unsupported", uri, reason: "malformed runs:/ URI" };
    const run = await getRun(src, m[1]);
    const root = run.info.artifact_uri;
    if (!root) return { kind: "unsupported", uri, reason: `run ${m[1]} has no artifact_uri` };
    return resolveLocation(src, m[2] ? `${root.replace(/\/+$/, "")}/${m[2]}` : root, depth + 1);
  }
  if (uri.startsWith("models:/")) {
    const m = /^models:\/+([^/@]+)(?:\/([^/]+)|@([^/]+))\/?$/.exec(uri);
    if (!m?.[1]) return { kind: "unsupported", uri, reason: "malformed models:/ URI" };
    const version = m[3] ? (await versionByAlias(src, m[1], m[3])).version : (m[2] ?? "");
    if (!/^\d+$/.test(version)) return { kind: "unsupported", uri, reason: "models:/ by stage is ambiguous" };
    return resolveLocation(src, await downloadUri(src, m[1], version), depth + 1);
  }
  if (uri.startsWith("file:") || uri.startsWith("/")) {
    const dir = uri.startsWith("file:") ? fileURLToPath(uri) : uri;
    try {
      if ((await stat(dir)).isDirectory()) return { kind: "local", dir };
      return { kind: "unsupported", uri, reason: "not a directory on this machine" };
    } catch (error) {
      return {
        kind: "unsupported",
        uri,
        reason: `not readable here (${(error as NodeJS.ErrnoException).code})`,
      };
    }
  }
  const scheme = /^([a-z0-9+.-]+):/i.exec(uri)?.[1] ?? "(none)";
  return { kind: "unsupported", uri, reason: `the ${scheme}: scheme is not readable by the importer` };
}

/** Every file under a location, recursively, sorted by path. */
export async function listFiles(src: MlflowSource, at: ArtifactLocation): Promise<ArtifactFile[]> {
  const out: ArtifactFile[] = [];
  if (at.kind === "local") {
    const walk = async (rel: string) => {
      for (const entry of await readdir(join(at.dir, rel), { withFileTypes: true })) {
        const child = rel ? posix.join(rel, entry.name) : entry.name;
        if (entry.isDirectory()) await walk(child);
        else if (entry.isFile()) out.push({ path: child, size: (await stat(join(at.dir, child))).size });
      }
    };
    await walk("");
  } else if (at.kind === "http") {
    const walk = async (rel: string) => {
      const path = rel ? posix.join(at.root, rel) : at.root;
      const res = await sourceGet(src, `${at.base}${ARTIFACTS_API}?${new URLSearchParams({ path })}`);
      const body = (await res.json()) as { files?: { path: string; is_dir?: boolean; file_size?: number }[] };
      for (const f of body.files ?? []) {
        // The artifact API answers names relative to the listed directory.
        const child = rel ? posix.join(rel, posix.basename(f.path)) : posix.basename(f.path);
        if (f.is_dir) await walk(child);
        else out.push({ path: child, size: Number(f.file_size ?? 0) });
      }
    };
    await walk("");
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Copies one file to `dest`, hashing it on the way; the size must match what the listing said. */
export async function fetchFile(
  src: MlflowSource,
  at: ArtifactLocation,
  file: ArtifactFile,
  dest: string,
  onBytes: (n: number) => void,
): Promise<{ digest: string; size: number }> {
  let input: Readable;
  if (at.kind === "local") input = createReadStream(join(at.dir, ...file.path.split("/")));
  else if (at.kind === "http") {
    const url = `${at.base}${ARTIFACTS_API}/${[...at.root.split("/"), ...file.path.split("/")]
      .filter(Boolean)
      .map(encodeURIComponent)
      .join("/")}`;
    const res = await sourceGet(src, url);
    if (!res.body) throw new MlflowSourceError(res.status, "EMPTY", `GET ${url}: no body`);
    input = Readable.fromWeb(res.body as import("node:stream/web").ReadableStream);
  } else throw new Error(`cannot read ${at.uri}: ${at.reason}`);
  const hash = createHash("sha256");
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
  await pipeline(input, tap, createWriteStream(dest));
  if (at.kind === "http" && size !== file.size) {
    throw new Error(`${file.path}: the listing said ${file.size} bytes, the download had ${size}`);
  }
  return { digest: formatDigest(hash.digest("hex")), size };
}
