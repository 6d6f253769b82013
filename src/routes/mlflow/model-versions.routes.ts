/** MLflow `model-versions/*` endpoints (model registry REST API 2.0). */
import * as s from "../../mlflow/schemas";
import { mlflowRoute } from "./mlflow-route";

const base = "/mlflow/model-versions";

export const create = mlflowRoute(
  "post",
  `${base}/create`,
  "contributor",
  s.CreateVersionSchema,
  s.ModelVersionResponse,
  "Register a version from an MLflow source",
);
export const get = mlflowRoute(
  "get",
  `${base}/get`,
  "read",
  s.VersionRefSchema,
  s.ModelVersionResponse,
  "Get a model version",
);
export const update = mlflowRoute(
  "patch",
  `${base}/update`,
  "contributor",
  s.UpdateVersionSchema,
  s.ModelVersionResponse,
  "Update a version's description",
);
export const remove = mlflowRoute(
  "delete",
  `${base}/delete`,
  "admin",
  s.VersionRefSchema,
  s.EmptySchema,
  "Delete a model version (its number is never reused)",
);
export const search = mlflowRoute(
  "get",
  `${base}/search`,
  "read",
  s.SearchQuerySchema,
  s.ModelVersionsResponse,
  "Search model versions",
);
export const transition = mlflowRoute(
  "post",
  `${base}/transition-stage`,
  "contributor",
  s.TransitionSchema,
  s.ModelVersionResponse,
  "Move a version to another stage (through governance)",
);
export const setTag = mlflowRoute(
  "post",
  `${base}/set-tag`,
  "contributor",
  s.VersionTagSchema,
  s.EmptySchema,
  "Set a version tag",
);
export const deleteTag = mlflowRoute(
  "delete",
  `${base}/delete-tag`,
  "contributor",
  s.VersionTagKeySchema,
  s.EmptySchema,
  "Delete a version tag",
);
export const downloadUri = mlflowRoute(
  "get",
  `${base}/get-download-uri`,
  "read",
  s.VersionRefSchema,
  s.DownloadUriResponse,
  "Where to download a version's files",
);
