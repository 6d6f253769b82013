import { createRouter } from "../../lib/create-router";
import * as handlers from "./versions.handlers";
import * as routes from "./versions.routes";

export const versionsRouter = createRouter()
  .openapi(routes.createVersion, handlers.createVersion)
  .openapi(routes.listVersions, handlers.listVersions)
  .openapi(routes.getVersion, handlers.getVersion)
  .openapi(routes.updateVersion, handlers.updateVersion)
  .openapi(routes.setVersionTag, handlers.setVersionTag)
  .openapi(routes.deleteVersionTag, handlers.deleteVersionTag);
