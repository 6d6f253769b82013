/** Builds the HTTP app: middleware, error rendering, the API under /api/v1, OpenAPI and docs. */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { createConsole } from "./console/console.index";
import type { AppEnv } from "./env";
import { createRouter } from "./lib/create-router";
import { ApiError, type ErrorCode, problemResponse } from "./lib/problem";
import { authenticate } from "./middleware/auth";
import { jsonBody } from "./middleware/json-body";
import { requestId } from "./middleware/request-id";
import { urlLimit } from "./middleware/url-limit";
import { aliasesRouter } from "./routes/aliases/aliases.index";
import { blobsRawRouter, blobsRouter } from "./routes/blobs/blobs.index";
import { cardsRouter } from "./routes/cards/cards.index";
import { deploymentsRouter } from "./routes/deployments/deployments.index";
import { filesRouter } from "./routes/files/files.index";
import { governanceRouter } from "./routes/governance/governance.index";
import { importsRouter } from "./routes/imports/imports.index";
import { lineageRouter } from "./routes/lineage/lineage.index";
import { metaRouter } from "./routes/meta/meta.index";
import { mlflowRouter } from "./routes/mlflow/mlflow.index";
import { modelsRouter } from "./routes/models/models.index";
import { principalsRouter } from "./routes/principals/principals.index";
import { recipesRouter } from "./routes/recipes/recipes.index";
import { resolveRouter } from "./routes/resolve/resolve.index";
import { retentionRouter } from "./routes/retention/retention.index";
import { rolloutsRouter } from "./routes/rollouts/rollouts.index";
import { searchRouter } from "./routes/search/search.index";
import { signInLinksRouter } from "./routes/sign-in-links/sign-in-links.index";
import { storageRouter } from "./routes/storage/storage.index";
import { tokensRouter } from "./routes/tokens/tokens.index";
import { uploadsRawRouter, uploadsRouter } from "./routes/uploads/uploads.index";
import { versionsRouter } from "./routes/versions/versions.index";
import { webhooksRouter } from "./routes/webhooks/webhooks.index";

const STATUS_CODES: Record<number, ErrorCode> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
};

function renderError(error: Error, c: Context<AppEnv>): Response {
  const id = c.get("requestId");
  if (error instanceof ApiError) return problemResponse(error, id);
  // Every refusal the framework raises is problem+json too; unmapped 4xx read as a bad request.
  if (error instanceof HTTPException && error.status < 500) {
    const code = STATUS_CODES[error.status] ?? "INVALID_ARGUMENT";
    return problemResponse(new ApiError(code, error.message || "bad request"), id);
  }
  // Unknown failures: log with the request id, never return the stack.
  console.error(`request ${id} failed`, error);
  return problemResponse(new ApiError("INTERNAL", `internal error; quote request id ${id}`), id);
}

export function createApp() {
  const api = createRouter();
  api.use("*", authenticate);
  // Raw-body routes (blob and part uploads) answer before the JSON body guard below would read them.
  api.route("/", blobsRawRouter);
  api.route("/", uploadsRawRouter);
  api.use("*", jsonBody);
  api.route("/", blobsRouter);
  api.route("/", uploadsRouter);
  api.route("/", filesRouter);
  api.route("/", recipesRouter);
  api.route("/", storageRouter);
  api.route("/", modelsRouter);
  api.route("/", versionsRouter);
  api.route("/", searchRouter);
  api.route("/", lineageRouter);
  api.route("/", cardsRouter);
  api.route("/", aliasesRouter);
  api.route("/", resolveRouter);
  api.route("/", deploymentsRouter);
  api.route("/", governanceRouter);
  api.route("/", retentionRouter);
  api.route("/", rolloutsRouter);
  api.route("/", tokensRouter);
  api.route("/", principalsRouter);
  api.route("/", webhooksRouter);
  api.route("/", signInLinksRouter);
  api.route("/", importsRouter);

  const app = createRouter();
  app.use("*", requestId);
  app.use("*", urlLimit);
  app.route("/", metaRouter);
  app.route("/api/v1", api);
  // MLflow clients: its own auth + MLflow error JSON, outside the /api/v1 problem+json and JSON guard.
  app.route("/api/2.0", mlflowRouter);
  // The web console (issue 14): HTML pages at /, /models/…, /approvals, … beside the API.
  app.route("/", createConsole());

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Edge model registry",
      version: "1.0.0",
      description:
        "The single source of truth between training and serving: models, versions, aliases, stages, approvals, artifacts and audit.",
    },
    security: [{ bearer: [] }],
  });

  app.notFound((c) =>
    problemResponse(
      new ApiError("NOT_FOUND", `no route for ${c.req.method} ${c.req.path}`),
      c.get("requestId"),
    ),
  );
  app.onError(renderError);
  return app;
}
