/**
 * Serving a chunked file (issue 16) exactly like a single blob: same ETag, Repr-Digest, Content-Length,
 * one Range mapped onto the chunks it covers, 304 handled by the caller. The chunks stream in order;
 * each whole chunk is read through the edge cache (and fills it), so a fine-tune sharing most chunks
 * with its base is mostly served from the cache at a location.
 */

import { createDb } from "../db/client";
import { findRecipe, type RecipeChunk, recipeChunks } from "../db/repos/recipes-repo";
import { ARTIFACT_LIMITS } from "../domain/artifacts";
import { parseRange } from "../domain/byte-range";
import { blobCacheKey } from "./blob-keys";
import { readChunk } from "./chunked-files";
import { answer, type ServeOptions, unsatisfiable } from "./download-response";

const CACHED_COPY_CONTROL = "public, max-age=31536000, immutable";

/** The bytes [from, from + length) of one chunk: the cache for a whole chunk, else R2. */
async function chunkBytes(
  env: Env,
  chunk: RecipeChunk,
  from: number,
  length: number,
  opts: ServeOptions,
): Promise<ReadableStream<Uint8Array> | null> {
  const whole = from === 0 && length === chunk.size;
  if (!whole) return readChunk(env, chunk.chunkHex, { offset: from, length });
  const key = blobCacheKey(chunk.chunkHex);
  const hit = await caches.default.match(key);
  if (hit?.body) return hit.body as ReadableStream<Uint8Array>;
  const body = await readChunk(env, chunk.chunkHex);
  if (!body || !opts.waitUntil || chunk.size > ARTIFACT_LIMITS.maxCachedBytes) return body;
  const [forClient, forCache] = body.tee();
  const headers = new Headers({
    "cache-control": CACHED_COPY_CONTROL,
    "content-length": String(chunk.size),
    "content-type": "application/octet-stream",
  });
  opts.waitUntil(caches.default.put(key, new Response(forCache, { headers })).catch(() => undefined));
  return forClient;
}

/** Streams the chunks overlapping [start, end) in order; a missing chunk aborts the stream. */
function streamChunks(env: Env, chunks: RecipeChunk[], start: number, end: number, opts: ServeOptions) {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const pump = async () => {
    for (const chunk of chunks) {
      const from = Math.max(start, chunk.offset);
      const to = Math.min(end, chunk.offset + chunk.size);
      if (to <= from) continue;
      const body = await chunkBytes(env, chunk, from - chunk.offset, to - from, opts);
      if (!body) throw new Error(`chunk sha256:${chunk.chunkHex} is missing`);
      await body.pipeTo(writable, { preventClose: true });
    }
    await writable.close();
  };
  pump().catch(async (error) => {
    console.warn("chunked download aborted", error);
    await writable.abort(error).catch(() => undefined);
  });
  return readable;
}

/** The response for a verified chunked file, or null when `hex` names no verified recipe. */
export async function serveChunkedFile(
  env: Env,
  hex: string,
  opts: ServeOptions,
  wanted: string | null,
): Promise<Response | null> {
  const db = createDb(env.DB);
  const recipe = await findRecipe(db, hex);
  // Invariant 2: a file the server has not hashed whole (or that failed) is not servable.
  if (recipe?.status !== "verified") return null;
  const range = parseRange(wanted, recipe.size);
  if (range.kind === "unsatisfiable") return unsatisfiable(recipe.size, range.reason, opts.requestId);
  const partial = range.kind === "partial" ? range : undefined;
  if (opts.method === "HEAD") return answer(hex, opts, recipe.size, null, partial);
  const chunks = await recipeChunks(db, hex);
  const start = partial?.offset ?? 0;
  const end = partial ? partial.offset + partial.length : recipe.size;
  return answer(hex, opts, recipe.size, streamChunks(env, chunks, start, end, opts), partial);
}
