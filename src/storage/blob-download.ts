/**
 * Serving blob bytes: ETag = digest, Repr-Digest, Content-Length, single Range requests, 304 on
 * If-None-Match, and the Workers Cache API in front of R2 so repeat fetches at a location never read
 * R2. The cache holds the full blob under a synthetic key; ranges are cut from it by the cache.
 */
import { ARTIFACT_LIMITS, blobEtag } from "../domain/artifacts";
import { parseRange } from "../domain/byte-range";
import { etagMatches } from "../domain/etags";
import { ApiError } from "../lib/problem";
import { blobCacheKey } from "./blob-keys";
import { serveChunkedFile } from "./chunked-download";
import { answer, baseHeaders, type ServeOptions, unsatisfiable } from "./download-response";
import { type Copy, headBlob, readBlob } from "./replica";

export type { ServeOptions } from "./download-response";

/** What the cached copy carries: storable for a year; the response headers are rebuilt per request. */
const CACHED_COPY_CONTROL = "public, max-age=31536000, immutable";

/** `If-Range` with any tag but ours means "send it all"; the tag of a blob never changes. */
function rangeHeader(hex: string, headers: Headers): string | null {
  const ifRange = headers.get("if-range");
  if (ifRange !== null && ifRange.trim() !== blobEtag(hex)) return null;
  return headers.get("range");
}

export async function serveBlob(env: Env, hex: string, opts: ServeOptions): Promise<Response> {
  if (etagMatches(opts.headers.get("if-none-match"), blobEtag(hex))) {
    // Content-addressed: a client holding this tag holds these bytes. No cache or R2 lookup needed.
    const headers = baseHeaders(hex, opts);
    headers.delete("content-type");
    return new Response(null, { status: 304, headers });
  }
  const cache = caches.default;
  const key = blobCacheKey(hex);
  const hit = await cache.match(key);
  const wanted = rangeHeader(hex, opts.headers);
  if (hit) {
    const size = Number(hit.headers.get("content-length"));
    const range = parseRange(wanted, size);
    if (range.kind === "unsatisfiable") {
      await hit.body?.cancel();
      return unsatisfiable(size, range.reason, opts.requestId);
    }
    if (range.kind === "full") return answer(hex, opts, size, hit.body);
    await hit.body?.cancel();
    const end = range.offset + range.length - 1;
    const part = await cache.match(new Request(key, { headers: { range: `bytes=${range.offset}-${end}` } }));
    if (part?.status === 206) return answer(hex, opts, size, part.body, range);
    await part?.body?.cancel();
    // The cached copy vanished between the two lookups: fall through to R2.
  }
  return serveFromR2(env, hex, opts, wanted);
}

/**
 * The primary copy, else a chunked file of that digest, else the replica (issue 16): a chunked file
 * has no single object, so looking for its recipe before the replica keeps the replica out of its path.
 */
async function serveFromR2(
  env: Env,
  hex: string,
  opts: ServeOptions,
  wanted: string | null,
): Promise<Response> {
  return (
    (await serveCopy(env, hex, opts, wanted, "primary")) ??
    (await serveChunkedFile(env, hex, opts, wanted)) ??
    (await serveCopy(env, hex, opts, wanted, "replica")) ??
    Promise.reject(new ApiError("BLOB_NOT_FOUND", `no blob sha256:${hex}`))
  );
}

/** Serves one copy's object, or null when that copy is missing or does not hold its digest. */
async function serveCopy(
  env: Env,
  hex: string,
  opts: ServeOptions,
  wanted: string | null,
  copy: Copy,
): Promise<Response | null> {
  const read = { copies: [copy], afterPrimary: copy === "replica" } as const;
  if (wanted !== null || opts.method === "HEAD") {
    const head = await headBlob(env, hex, [copy]);
    if (!head) return null;
    const range = parseRange(wanted, head.size);
    if (range.kind === "unsatisfiable") return unsatisfiable(head.size, range.reason, opts.requestId);
    if (opts.method === "HEAD")
      return answer(hex, opts, head.size, null, range.kind === "partial" ? range : undefined);
    if (range.kind === "partial") {
      const object = await readBlob(env, hex, {
        ...read,
        range: { offset: range.offset, length: range.length },
      });
      return object ? answer(hex, opts, head.size, object.body, range) : null;
    }
  }
  const object = await readBlob(env, hex, read);
  if (!object) return null;
  let body: ReadableStream = object.body;
  if (opts.waitUntil && object.size <= ARTIFACT_LIMITS.maxCachedBytes) {
    const [forClient, forCache] = body.tee();
    body = forClient;
    const headers = new Headers({
      "cache-control": CACHED_COPY_CONTROL,
      "content-length": String(object.size),
      "content-type": "application/octet-stream",
      etag: blobEtag(hex),
    });
    opts.waitUntil(
      caches.default.put(blobCacheKey(hex), new Response(forCache, { headers })).catch((error) => {
        console.warn(`cache fill for sha256:${hex} failed`, error);
      }),
    );
  }
  return answer(hex, opts, object.size, body);
}
