import { createRouter } from "../../lib/create-router";
import * as handlers from "./cards.handlers";
import * as routes from "./cards.routes";

export const cardsRouter = createRouter()
  .openapi(routes.getCard, handlers.getCard)
  .openapi(routes.getCompatibility, handlers.getCompatibility);
