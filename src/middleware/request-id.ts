import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { newId } from "../lib/ids";

/** Every request gets an id: echoed in `X-Request-Id`, written into audit entries and logs. */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const incoming = c.req.header("x-request-id");
  const id = incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : newId("req");
  c.set("requestId", id);
  await next();
  c.header("x-request-id", id);
});
