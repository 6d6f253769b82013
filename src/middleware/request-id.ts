import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { newId } from "../lib/ids";

/** The request's id: the caller's `X-Request-Id` when it is a plain token, else a new one. */
export function requestIdFor(incoming: string | null | undefined): string {
  return incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : newId("req");
}

/** Every request gets an id: echoed in `X-Request-Id`, written into audit entries and logs. */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const id = requestIdFor(c.req.header("x-request-id"));
  c.set("requestId", id);
  await next();
  c.header("x-request-id", id);
});
