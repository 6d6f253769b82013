import { createRouter } from "../../lib/create-router";
import * as handlers from "./sign-in-links.handlers";
import * as routes from "./sign-in-links.routes";

/** One-time console sign-in links (issue 14). */
export const signInLinksRouter = createRouter().openapi(routes.createSignInLink, handlers.createSignInLink);
