import { createRouter } from "../../lib/create-router";
import * as handlers from "./imports.handlers";
import * as routes from "./imports.routes";

export const importsRouter = createRouter()
  .openapi(routes.importVersion, handlers.importVersion)
  .openapi(routes.exportModel, handlers.exportModel)
  .openapi(routes.restoreModel, handlers.restoreModel)
  .openapi(routes.restoreDatasets, handlers.restoreDatasets);
