import { createRouter } from "../../lib/create-router";
import * as handlers from "./files.handlers";
import * as routes from "./files.routes";

export const filesRouter = createRouter()
  .openapi(routes.getVersionFile, handlers.getVersionFile)
  .openapi(routes.getAliasFile, handlers.getAliasFile);

// The matched paths use Hono's `{.+}` syntax; document them with plain `{path}` parameters.
for (const { middleware: _m, hide: _h, ...route } of [routes.getVersionFile, routes.getAliasFile]) {
  filesRouter.openAPIRegistry.registerPath({ ...route, path: route.path.replace("{path{.+}}", "{path}") });
}
