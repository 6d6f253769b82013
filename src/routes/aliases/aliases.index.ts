import { createRouter } from "../../lib/create-router";
import * as handlers from "./aliases.handlers";
import * as routes from "./aliases.routes";

export const aliasesRouter = createRouter()
  .openapi(routes.setAlias, handlers.setAlias)
  .openapi(routes.deleteAlias, handlers.deleteAlias)
  .openapi(routes.getAlias, handlers.getAlias);
