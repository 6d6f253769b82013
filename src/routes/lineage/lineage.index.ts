import { createRouter } from "../../lib/create-router";
import * as datasetHandlers from "./datasets.handlers";
import * as datasetRoutes from "./datasets.routes";
import * as handlers from "./lineage.handlers";
import * as routes from "./lineage.routes";

export const lineageRouter = createRouter()
  .openapi(routes.getLineage, handlers.getLineage)
  .openapi(routes.listDatasetModels, handlers.listDatasetModels)
  .openapi(datasetRoutes.registerDataset, datasetHandlers.registerDataset)
  .openapi(datasetRoutes.listDatasets, datasetHandlers.listDatasets)
  .openapi(datasetRoutes.getDataset, datasetHandlers.getDataset);
