import { createRouter } from "../../lib/create-router";
import * as handlers from "./rollouts.handlers";
import * as routes from "./rollouts.routes";

export const rolloutsRouter = createRouter()
  .openapi(routes.createRollout, handlers.createRollout)
  .openapi(routes.listRollouts, handlers.listRollouts)
  .openapi(routes.advanceRollout, handlers.advanceRollout)
  .openapi(routes.promoteRollout, handlers.promoteRollout)
  .openapi(routes.abortRollout, handlers.abortRollout);
