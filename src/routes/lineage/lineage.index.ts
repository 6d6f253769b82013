import { createRouter } from "../../lib/create-router";
import * as handlers from "./lineage.handlers";
import * as routes from "./lineage.routes";

export const lineageRouter = createRouter()
  .openapi(routes.getLineage, handlers.getLineage)
  .openapi(routes.listDatasetModels, handlers.listDatasetModels);
