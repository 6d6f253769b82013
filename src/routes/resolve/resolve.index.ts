import { createRouter } from "../../lib/create-router";
import * as handlers from "./resolve.handlers";
import * as routes from "./resolve.routes";

export const resolveRouter = createRouter().openapi(routes.resolveModel, handlers.resolveModel);
