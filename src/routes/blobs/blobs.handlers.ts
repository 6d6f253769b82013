import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { ARTIFACT_LIMITS, digestHex } from "../../domain/artifacts";
import type { AppEnv } from "../../env";
import { ApiError } from "../../lib/problem";
import { type ServeOptions, serveBlob } from "../../storage/blob-download";
import { missingBlobs, putVerifiedBlob } from "../../storage/blobs";
import type * as routes from "./blobs.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

/** Raw-body routes need the exact length up front: R2 wants it, and limits are checked before reading. */
export function contentLength(c: Context<AppEnv>, max: number): number {
  const header = c.req.header("content-length");
  if (header === undefined || !/^\d{1,16}$/.test(header)) {
    throw new ApiError("LENGTH_REQUIRED", "send the raw bytes with a Content-Length header");
  }
  const length = Number(header);
  if (length > max)
    throw new ApiError("PAYLOAD_TOO_LARGE", `at most ${max} bytes per request; use a multipart upload`);
  return length;
}

export const rawBody = (c: Context<AppEnv>): ReadableStream<Uint8Array> =>
  c.req.raw.body ?? new ReadableStream({ start: (controller) => controller.close() });

/** How a download handler hands the request to storage. */
export function serveOptions(c: Context<AppEnv>, contentType: string, cacheControl: string): ServeOptions {
  let waitUntil: ServeOptions["waitUntil"];
  try {
    const ctx = c.executionCtx;
    waitUntil = (p) => ctx.waitUntil(p);
  } catch {
    waitUntil = undefined; // no execution context (e.g. app.request in a unit test): skip the cache fill
  }
  return {
    method: c.req.method === "HEAD" ? "HEAD" : "GET",
    headers: c.req.raw.headers,
    contentType,
    cacheControl,
    requestId: c.get("requestId"),
    waitUntil,
  };
}

export const IMMUTABLE = "public, max-age=31536000, immutable";

export const checkBlobs: Handler<"checkBlobs"> = async (c) => {
  const { digests } = c.req.valid("json");
  return c.json({ missing: await missingBlobs(c.env, digests) }, 200);
};

export const putBlob: Handler<"putBlob"> = async (c) => {
  const { digest } = c.req.valid("param");
  const length = contentLength(c, ARTIFACT_LIMITS.maxSinglePutBytes);
  const written = await putVerifiedBlob(c.env, digestHex(digest), rawBody(c), length);
  c.header("location", `/api/v1/blobs/${digest}`);
  return c.json({ digest: written.digest, size: written.size }, written.created ? 201 : 200);
};

export const getBlob: Handler<"getBlob"> = async (c) => {
  const { digest } = c.req.valid("param");
  return serveBlob(c.env, digestHex(digest), serveOptions(c, "application/octet-stream", IMMUTABLE));
};
