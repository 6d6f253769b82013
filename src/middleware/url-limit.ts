import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/problem";
import { invalidParameter, mlflowErrorResponse } from "../mlflow/errors";

/**
 * Cloudflare's edge refuses URLs over 16 KB before a Worker runs; locally workerd lets them through
 * up to about 64 KiB. Refusing above 16 KiB here makes both answer the same, in our error format
 * (problem+json, or MLflow's JSON on /api/2.0), instead of whatever the runtime would do with it.
 */
export const MAX_URL_CHARS = 16 * 1024;

export const urlLimit = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.url.length <= MAX_URL_CHARS) return next();
  const detail = `URLs are limited to ${MAX_URL_CHARS} characters; this one has ${c.req.url.length}`;
  if (c.req.path.startsWith("/api/2.0/")) return mlflowErrorResponse(invalidParameter(detail));
  throw new ApiError("URI_TOO_LONG", detail);
});
