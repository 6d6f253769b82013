import { createRouter } from "../../lib/create-router";
import * as handlers from "./storage.handlers";
import * as routes from "./storage.routes";

export const storageRouter = createRouter().openapi(routes.getStorage, handlers.getStorage);
