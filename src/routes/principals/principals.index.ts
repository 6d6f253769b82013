import { createRouter } from "../../lib/create-router";
import * as handlers from "./principals.handlers";
import * as routes from "./principals.routes";

export const principalsRouter = createRouter()
  .openapi(routes.createPrincipal, handlers.createPrincipal)
  .openapi(routes.listPrincipals, handlers.listPrincipals);
