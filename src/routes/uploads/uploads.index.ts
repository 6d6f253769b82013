import { createRouter } from "../../lib/create-router";
import * as handlers from "./uploads.handlers";
import * as routes from "./uploads.routes";

/** Part bodies are raw bytes: mounted before the JSON body guard (see app.ts). */
export const uploadsRawRouter = createRouter().openapi(routes.putPart, handlers.putPart);

export const uploadsRouter = createRouter()
  .openapi(routes.createUpload, handlers.createUpload)
  .openapi(routes.getUpload, handlers.getUpload)
  .openapi(routes.completeUpload, handlers.completeUpload)
  .openapi(routes.abortUpload, handlers.abortUpload);
