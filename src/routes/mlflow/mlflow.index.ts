/**
 * The MLflow model-registry REST API, mounted at /api/2.0 (so `/api/2.0/mlflow/...` and
 * `/api/2.0/mlflow-artifacts/...`). Bearer tokens (what MLFLOW_TRACKING_TOKEN sends) authenticate
 * and roles/scopes apply; errors render as MLflow's `{"error_code","message"}`.
 */
import { bodyLimit } from "hono/body-limit";
import { LIMITS } from "../../domain/limits";
import { authenticate, requireRole } from "../../middleware/auth";
import { MlflowError } from "../../mlflow/errors";
import { ARTIFACTS_PATH, downloadArtifact, listArtifacts } from "./artifacts.handlers";
import { createMlflowRouter } from "./mlflow-route";
import * as versionHandlers from "./model-versions.handlers";
import * as versions from "./model-versions.routes";
import * as modelHandlers from "./registered-models.handlers";
import * as models from "./registered-models.routes";

const artifacts = ARTIFACTS_PATH.slice("/api/2.0".length);

export const mlflowRouter = createMlflowRouter();
mlflowRouter.use("*", authenticate);
// The /api/v1 JSON guard does not run here (MLflow's errors differ), so bound bodies ourselves.
mlflowRouter.use(
  "*",
  bodyLimit({
    maxSize: LIMITS.jsonBodyBytes,
    onError: () => {
      throw new MlflowError(
        "INVALID_PARAMETER_VALUE",
        `request bodies are limited to ${LIMITS.jsonBodyBytes} bytes`,
      );
    },
  }),
);
mlflowRouter
  .openapi(models.create, modelHandlers.create)
  .openapi(models.get, modelHandlers.get)
  .openapi(models.rename, modelHandlers.rename)
  .openapi(models.update, modelHandlers.update)
  .openapi(models.remove, modelHandlers.remove)
  .openapi(models.search, modelHandlers.search)
  .openapi(models.latestVersions, modelHandlers.latestVersions)
  .openapi(models.setTag, modelHandlers.setTag)
  .openapi(models.deleteTag, modelHandlers.deleteTag)
  .openapi(models.setAlias, modelHandlers.setAlias)
  .openapi(models.deleteAlias, modelHandlers.deleteAlias)
  .openapi(models.getAlias, modelHandlers.getAlias)
  .openapi(versions.create, versionHandlers.create)
  .openapi(versions.get, versionHandlers.get)
  .openapi(versions.update, versionHandlers.update)
  .openapi(versions.remove, versionHandlers.remove)
  .openapi(versions.search, versionHandlers.search)
  .openapi(versions.transition, versionHandlers.transition)
  .openapi(versions.setTag, versionHandlers.setTag)
  .openapi(versions.deleteTag, versionHandlers.deleteTag)
  .openapi(versions.downloadUri, versionHandlers.downloadUri);
mlflowRouter.get(artifacts, requireRole("read"), listArtifacts);
mlflowRouter.get(`${artifacts}/*`, requireRole("read"), downloadArtifact);
// Anything else under /api/2.0 (runs, experiments, artifact uploads) belongs to a tracking server.
mlflowRouter.all("*", (c) => {
  throw new MlflowError("ENDPOINT_NOT_FOUND", `no MLflow registry endpoint ${c.req.method} ${c.req.path}`);
});
