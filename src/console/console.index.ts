/**
 * The web console (issue 14): server-rendered pages at `/`, in the same Worker as the API and
 * calling the same operations, repos and domain code (never HTTP to itself).
 *
 * Middleware is registered per console path, never on `*`: mounted at `/`, a wildcard would also
 * run for /api/v1, /docs and the MLflow routes.
 */
import { type Context, Hono } from "hono";
import { csrf } from "hono/csrf";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "../env";
import { serveManifestFile, VERSION_FILE_CACHE } from "../operations/files";
import { STYLESHEET_PATH, serveStylesheet } from "./assets/asset-routes";
import { renderConsoleError } from "./error-page";
import { createTokenSubmit, revokeTokenSubmit, tokensPage } from "./pages/admin-tokens";
import { redeliverSubmit, webhooksPage } from "./pages/admin-webhooks";
import { approvalsPage, decideSubmit, signOffSubmit } from "./pages/approvals";
import { auditView } from "./pages/audit";
import { cataloguePage } from "./pages/catalogue";
import { comparePage } from "./pages/compare";
import { datasetPage, deploymentsPage } from "./pages/fleet";
import { loginPage, loginSubmit, logoutSubmit } from "./pages/login";
import { modelPage } from "./pages/model";
import { rollbackPage, rollbackSubmit } from "./pages/rollback";
import {
  aliasDeleteSubmit,
  aliasSubmit,
  requestPromotionSubmit,
  transitionSubmit,
  versionView,
} from "./pages/version-actions";
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

/** A file of a version, for the page's download links: the API's file serving, behind the session. */
function versionFile(c: Context<AppEnv>) {
  const name = c.req.param("name") ?? "";
  const version = Number(c.req.param("version"));
  const prefix = `/models/${encodeURIComponent(name)}/versions/${c.req.param("version")}/files/`;
  const path = decodeURIComponent(new URL(c.req.url).pathname.slice(prefix.length));
  return serveManifestFile(
    c,
    name,
    async () => (Number.isInteger(version) ? version : null),
    path,
    VERSION_FILE_CACHE,
  );
}

export function createConsole() {
  const app = new Hono<AppEnv>();
  for (const path of PAGE_PATHS) app.use(path, headers, csrf());
  app.get(STYLESHEET_PATH, serveStylesheet);

  app.get("/login", loginPage);
  app.post("/login", loginSubmit);
  app.post("/logout", requireSession, logoutSubmit);

  app.get("/", requireSession, cataloguePage);
  app.get("/models/:name", requireSession, modelPage);
  app.get("/models/:name/compare", requireSession, comparePage);
  app.get("/models/:name/rollback", requireSession, (c) => rollbackPage(c));
  app.post("/models/:name/rollback", requireSession, rollbackSubmit);
  app.get("/models/:name/versions/:version", requireSession, versionView);
  app.get("/models/:name/versions/:version/files/*", requireSession, versionFile);
  app.post("/models/:name/versions/:version/transition", requireSession, transitionSubmit);
  app.post("/models/:name/versions/:version/request-promotion", requireSession, requestPromotionSubmit);
  app.post("/models/:name/versions/:version/alias", requireSession, aliasSubmit);
  app.get("/approvals", requireSession, (c) => approvalsPage(c));
  app.post("/approvals/:id/:decision{approve|reject}", requireSession, decideSubmit);
  app.get("/audit", requireSession, auditView);
  app.get("/deployments", requireSession, deploymentsPage);
  app.get("/datasets", requireSession, datasetPage);
  // Issue 14, second part: admin pages, fast-track sign-off, alias delete.
  app.post("/models/:name/versions/:version/alias-delete", requireSession, aliasDeleteSubmit);
  app.post("/models/:name/versions/:version/review-sign-off", requireSession, signOffSubmit);
  app.get("/admin/tokens", requireSession, (c) => tokensPage(c));
  app.post("/admin/tokens", requireSession, createTokenSubmit);
  app.post("/admin/tokens/:id/revoke", requireSession, revokeTokenSubmit);
  app.get("/admin/webhooks", requireSession, (c) => webhooksPage(c));
  app.post("/admin/deliveries/:id/redeliver", requireSession, redeliverSubmit);

  app.onError(renderConsoleError);
  return app;
}
