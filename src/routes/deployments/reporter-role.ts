import { createMiddleware } from "hono/factory";
import { satisfies } from "../../domain/roles";
import type { AppEnv } from "../../env";
import { ApiError } from "../../lib/problem";

/**
 * Who may report a deployment: serving nodes (the `serving` role exists for exactly this: read and
 * report, nothing else) and contributors or above (a pipeline that deploys). Viewers may not.
 */
export const requireReporter = createMiddleware<AppEnv>(async (c, next) => {
  const { role } = c.get("actor");
  if (role !== "serving" && !satisfies(role, "contributor")) {
    throw new ApiError(
      "PERMISSION_DENIED",
      `reporting a deployment needs the serving or contributor role; your token has ${role}`,
    );
  }
  return next();
});
