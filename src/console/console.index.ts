/**
 * The web console (issue 14): server-rendered pages at `/`, in the same Worker as the API and
 * calling the same operations, repos and domain code (never HTTP to itself).
 *
 * Middleware is registered per console path, never on `*`: mounted at `/`, a wildcard would also
 * run for /api/v1, /docs and the MLflow routes.
 */
import { Hono } from "hono";
import { csrf } from "hono/csrf";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "../env";
import { STYLESHEET_PATH, serveStylesheet } from "./assets/asset-routes";
import { renderConsoleError } from "./error-page";
import { cataloguePage } from "./pages/catalogue";
import { loginPage, loginSubmit, logoutSubmit } from "./pages/login";
import { requireSession } from "./session";

/** No script at all, styles only from us, no framing, forms only to us. */
const headers = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", "data:"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
  referrerPolicy: "same-origin",
  crossOriginResourcePolicy: "same-origin",
});

const PAGE_PATHS = [
  "/",
  "/login",
  "/logout",
  "/models/*",
  "/approvals",
  "/approvals/*",
  "/audit",
  "/deployments",
  "/admin/*",
];

export function createConsole() {
  const app = new Hono<AppEnv>();
  for (const path of PAGE_PATHS) app.use(path, headers, csrf());
  app.get(STYLESHEET_PATH, serveStylesheet);

  app.get("/login", loginPage);
  app.post("/login", loginSubmit);
  app.post("/logout", requireSession, logoutSubmit);

  app.get("/", requireSession, cataloguePage);

  app.onError(renderConsoleError);
  return app;
}
