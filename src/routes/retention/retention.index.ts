import { createRouter } from "../../lib/create-router";
import * as handlers from "./retention.handlers";
import * as routes from "./retention.routes";

/** Retention policies, retention runs and the metadata freshness report (issue #6). */
export const retentionRouter = createRouter()
  .openapi(routes.getRetention, handlers.getRetention)
  .openapi(routes.setRetention, handlers.setRetention)
  .openapi(routes.runRetention, handlers.runRetention)
  .openapi(routes.listRuns, handlers.listRuns)
  .openapi(routes.staleMetadata, handlers.staleMetadata);
