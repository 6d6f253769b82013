import { createRouter } from "../../lib/create-router";
import * as handlers from "./deployments.handlers";
import * as routes from "./deployments.routes";

export const deploymentsRouter = createRouter()
  .openapi(routes.reportDeployment, handlers.reportDeployment)
  .openapi(routes.listDeployments, handlers.listDeployments)
  .openapi(routes.fleetSummary, handlers.fleetSummary);
