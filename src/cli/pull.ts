/**
 * `registry pull`: resolve a version, download every file in parallel into a temp dir beside the
 * destination, verify each file's size and SHA-256 as it streams, then rename the whole dir into
 * place. A failure removes the temp dir, so DIR is either complete and verified or untouched.
 */

import { createHash } from "node:crypto";
import { createWriteStream, rmSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { assembleFromChunks, type FileRef } from "./chunk-cache";
import { blobPath, type Connection, registry } from "./http";
import { IntegrityError } from "./integrity-error";
import { safeJoin } from "./paths";
import { runPool } from "./pool";
import { createProgress } from "./progress";
import type { ModelRef } from "./ref";

export interface PullOptions {
  parallel: number;
  progress: boolean;
  /** Replace a non-empty DIR (the old contents are removed only after the new ones are in place). */
  force: boolean;
  /** A chunk cache (issue 16): only chunks not in it are downloaded; kept across pulls. */
  cacheDir?: string | undefined;
}

export interface PullReport {
  name: string;
  version: number;
  manifest_digest: string;
  files: number;
  bytes: number;
  dir: string;
  /** Bytes fetched from the registry, and bytes taken from the chunk cache instead. */
  bytes_downloaded: number;
  bytes_reused: number;
}

export { IntegrityError } from "./integrity-error";

async function download(
  conn: Connection,
  file: FileRef,
  target: string,
  onBytes: (n: number) => void,
): Promise<void> {
  const response = await registry(conn).raw("GET", blobPath(file.digest));
  await mkdir(dirname(target), { recursive: true });
  const body = response.body ?? new Response(new Uint8Array(0)).body;
  if (!body) throw new IntegrityError(`${file.path}: the server sent no body`);
  const hash = createHash("sha256");
  let size = 0;
  await pipeline(
    Readable.fromWeb(body as WebReadableStream<Uint8Array>),
    async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        hash.update(chunk);
        size += chunk.length;
        onBytes(chunk.length);
        yield chunk;
      }
    },
    createWriteStream(target, { flags: "wx" }),
  );
  const digest = `sha256:${hash.digest("hex")}`;
  if (size !== file.size) {
    throw new IntegrityError(`${file.path}: expected ${file.size} bytes, received ${size}`);
  }
  if (digest !== file.digest) {
    throw new IntegrityError(`${file.path}: digest mismatch: expected ${file.digest}, received ${digest}`);
  }
}

/** The version a reference names: by alias (`latest` is computed by the server) or by number. */
export function fetchVersion(conn: Connection, ref: ModelRef) {
  return "alias" in ref
    ? registry(conn).get("/api/v1/models/{name}/aliases/{alias}", {
        params: { path: { name: ref.name, alias: ref.alias } },
      })
    : registry(conn).get("/api/v1/models/{name}/versions/{version}", {
        params: { path: { name: ref.name, version: String(ref.version) } },
      });
}

async function isEmptyDir(dir: string): Promise<boolean | null> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

export async function pull(
  conn: Connection,
  ref: ModelRef,
  dest: string,
  options: PullOptions,
): Promise<PullReport> {
  const dir = resolve(dest);
  const existing = await isEmptyDir(dir);
  if (existing === false && !options.force) {
    throw new Error(`${dest} exists and is not empty (use --force to replace it)`);
  }
  const version = await fetchVersion(conn, ref);
  // Refuse an unsafe path before anything is written.
  for (const f of version.files) safeJoin(dir, f.path);
  const bytes = version.files.reduce((n, f) => n + f.size, 0);

  await mkdir(dirname(dir), { recursive: true });
  // Same parent as DIR, so the final rename is atomic on one filesystem.
  const temp = await mkdtemp(join(dirname(dir), `.${basename(dir)}.partial-`));
  // Ctrl-C must not leave a half-written temp dir behind either.
  const onInterrupt = () => {
    rmSync(temp, { recursive: true, force: true });
    process.exit(130);
  };
  process.once("SIGINT", onInterrupt);
  process.once("SIGTERM", onInterrupt);
  const progress = createProgress("downloading", bytes, options.progress);
  const traffic = { bytes_downloaded: 0, bytes_reused: 0 };
  try {
    const { cacheDir } = options;
    await runPool(version.files, options.parallel, async (file) => {
      const target = safeJoin(temp, file.path);
      if (!cacheDir) {
        await download(conn, file, target, (n) => progress.add(n));
        traffic.bytes_downloaded += file.size;
        return;
      }
      const used = await assembleFromChunks(conn, file, target, cacheDir, (n) => progress.add(n));
      traffic.bytes_downloaded += used.downloaded;
      traffic.bytes_reused += used.reused;
    });
    progress.stop();
    if (existing === true) await rm(dir, { recursive: true });
    if (existing === false) {
      const old = `${temp}.old`;
      await rename(dir, old);
      await rename(temp, dir);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(temp, dir);
    }
  } catch (error) {
    progress.stop();
    await rm(temp, { recursive: true, force: true });
    throw error;
  } finally {
    process.off("SIGINT", onInterrupt);
    process.off("SIGTERM", onInterrupt);
  }
  return {
    name: version.name,
    version: version.version,
    manifest_digest: version.manifest_digest,
    files: version.files.length,
    bytes,
    dir,
    ...traffic,
  };
}
