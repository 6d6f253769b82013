/**
 * A local chunk cache for `registry pull --cache DIR` and serving nodes (issue 16): a file is
 * assembled from its recipe's chunks, taking each from the cache when present (and still hashing to
 * its digest) and downloading only the rest; the assembled file must hash to the manifest digest.
 * Chunks land in the cache atomically (temp file + rename), so a killed pull never leaves a torn one.
 */
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Schemas } from "../client";
import { digestHex } from "./hash";
import { blobPath, type Connection, registry } from "./http";
import { IntegrityError } from "./integrity-error";
import type { ManifestFile } from "./version-body";

/** What a download needs of a manifest entry. */
export type FileRef = Pick<ManifestFile, "path" | "digest" | "size">;

const sha256 = (bytes: Uint8Array) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
const cachePath = (cacheDir: string, digest: string) => join(cacheDir, "chunks", "sha256", digestHex(digest));

async function cached(cacheDir: string, digest: string): Promise<Uint8Array | null> {
  try {
    const bytes = await readFile(cachePath(cacheDir, digest));
    if (sha256(bytes) === digest) return bytes;
    await rm(cachePath(cacheDir, digest), { force: true }); // corrupted: fetch it again
    return null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

async function fetchChunk(
  conn: Connection,
  cacheDir: string,
  digest: string,
  size: number,
): Promise<Uint8Array> {
  const response = await registry(conn).raw("GET", blobPath(digest));
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length !== size || sha256(bytes) !== digest) {
    throw new IntegrityError(`chunk ${digest}: the server sent ${bytes.length} bytes that do not match`);
  }
  const path = cachePath(cacheDir, digest);
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(temp, bytes);
  await rename(temp, path);
  return bytes;
}

export async function assembleFromChunks(
  conn: Connection,
  file: FileRef,
  target: string,
  cacheDir: string,
  onBytes: (n: number) => void,
): Promise<{ downloaded: number; reused: number }> {
  return assembleFromRecipe(conn, file, await fetchRecipe(conn, file.digest), target, cacheDir, onBytes);
}

export type Recipe = Schemas["Recipe"];

/** A file's chunks in order; a file stored whole answers as one chunk: itself. */
export const fetchRecipe = (conn: Connection, digest: string): Promise<Recipe> =>
  registry(conn).get("/api/v1/recipes/{digest}", { params: { path: { digest } } });

/** Writes `file` to `target` from its recipe's chunks, cached ones first; verifies the whole file. */
export async function assembleFromRecipe(
  conn: Connection,
  file: FileRef,
  recipe: Recipe,
  target: string,
  cacheDir: string,
  onBytes: (n: number) => void,
): Promise<{ downloaded: number; reused: number }> {
  await mkdir(dirname(target), { recursive: true });
  const out = createWriteStream(target, { flags: "wx" });
  const whole = createHash("sha256");
  const used = { downloaded: 0, reused: 0 };
  let size = 0;
  try {
    for (const chunk of recipe.chunks) {
      const hit = await cached(cacheDir, chunk.digest);
      const bytes = hit ?? (await fetchChunk(conn, cacheDir, chunk.digest, chunk.size));
      if (hit) used.reused += bytes.length;
      else used.downloaded += bytes.length;
      whole.update(bytes);
      size += bytes.length;
      if (!out.write(bytes)) await new Promise<void>((r) => out.once("drain", () => r()));
      onBytes(bytes.length);
    }
  } finally {
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  }
  const digest = `sha256:${whole.digest("hex")}`;
  if (size !== file.size || digest !== file.digest) {
    throw new IntegrityError(
      `${file.path}: assembled ${size} bytes hashing to ${digest}, expected ${file.digest}`,
    );
  }
  return used;
}
