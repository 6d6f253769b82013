/** Download response headers shared by single blobs and chunked files (same headers for clients). */
import { blobEtag, reprDigest } from "../domain/artifacts";
import { ApiError, problemResponse } from "../lib/problem";

export interface ServeOptions {
  method: "GET" | "HEAD";
  headers: Headers;
  contentType: string;
  cacheControl: string;
  requestId: string;
  /** Lets the cache fill finish after the response is sent. */
  waitUntil: ((promise: Promise<unknown>) => void) | undefined;
}

export function baseHeaders(hex: string, opts: ServeOptions): Headers {
  return new Headers({
    etag: blobEtag(hex),
    "repr-digest": reprDigest(hex),
    "accept-ranges": "bytes",
    "cache-control": opts.cacheControl,
    "content-type": opts.contentType,
  });
}

export function unsatisfiable(size: number, reason: string, requestId: string): Response {
  const response = problemResponse(new ApiError("RANGE_NOT_SATISFIABLE", reason), requestId);
  response.headers.set("content-range", `bytes */${size}`);
  response.headers.set("accept-ranges", "bytes");
  return response;
}

type Body = ReadableStream | null;

export function answer(
  hex: string,
  opts: ServeOptions,
  size: number,
  body: Body,
  range?: { offset: number; length: number },
) {
  const headers = baseHeaders(hex, opts);
  headers.set("content-length", String(range ? range.length : size));
  if (range) headers.set("content-range", `bytes ${range.offset}-${range.offset + range.length - 1}/${size}`);
  if (opts.method === "HEAD") {
    body?.cancel().catch(() => undefined);
    body = null;
  }
  return new Response(body, { status: range ? 206 : 200, headers });
}
