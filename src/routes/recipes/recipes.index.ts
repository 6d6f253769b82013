import { createRouter } from "../../lib/create-router";
import * as handlers from "./recipes.handlers";
import * as routes from "./recipes.routes";

export const recipesRouter = createRouter()
  .openapi(routes.putRecipe, handlers.putRecipe)
  .openapi(routes.getRecipe, handlers.getRecipe);
