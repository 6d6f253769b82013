import { createRouter } from "../../lib/create-router";
import * as handlers from "./blobs.handlers";
import * as routes from "./blobs.routes";

/** Raw bytes in and out: mounted before the JSON body guard (see app.ts). */
export const blobsRawRouter = createRouter()
  .openapi(routes.putBlob, handlers.putBlob)
  .openapi(routes.getBlob, handlers.getBlob);

/** JSON routes: mounted after the JSON body guard. */
export const blobsRouter = createRouter().openapi(routes.checkBlobs, handlers.checkBlobs);
