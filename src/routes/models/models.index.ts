import { createRouter } from "../../lib/create-router";
import * as handlers from "./models.handlers";
import * as routes from "./models.routes";

export const modelsRouter = createRouter()
  .openapi(routes.createModel, handlers.createModel)
  .openapi(routes.listModels, handlers.listModels)
  .openapi(routes.getModel, handlers.getModel)
  .openapi(routes.updateModel, handlers.updateModel)
  .openapi(routes.deleteModel, handlers.deleteModel)
  .openapi(routes.setModelTag, handlers.setModelTag)
  .openapi(routes.deleteModelTag, handlers.deleteModelTag);
