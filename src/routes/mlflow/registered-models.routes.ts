/** MLflow `registered-models/*` endpoints (model registry REST API 2.0). */
import * as s from "../../mlflow/schemas";
import { mlflowRoute } from "./mlflow-route";

const base = "/mlflow/registered-models";

export const create = mlflowRoute(
  "post",
  `${base}/create`,
  "contributor",
  s.CreateRegisteredModelSchema,
  s.RegisteredModelResponse,
  "Create a registered model",
);
export const get = mlflowRoute(
  "get",
  `${base}/get`,
  "read",
  s.NameOnlySchema,
  s.RegisteredModelResponse,
  "Get a registered model",
);
export const rename = mlflowRoute(
  "post",
  `${base}/rename`,
  "contributor",
  s.RenameSchema,
  s.RegisteredModelResponse,
  "Rename a registered model",
);
export const update = mlflowRoute(
  "patch",
  `${base}/update`,
  "contributor",
  s.UpdateRegisteredModelSchema,
  s.RegisteredModelResponse,
  "Update a registered model's description",
);
export const remove = mlflowRoute(
  "delete",
  `${base}/delete`,
  "admin",
  s.NameOnlySchema,
  s.EmptySchema,
  "Delete a registered model",
);
export const search = mlflowRoute(
  "get",
  `${base}/search`,
  "read",
  s.SearchQuerySchema,
  s.RegisteredModelsResponse,
  "Search registered models",
);
export const latestVersions = mlflowRoute(
  "post",
  `${base}/get-latest-versions`,
  "read",
  s.LatestVersionsSchema,
  s.ModelVersionsResponse,
  "Latest version per stage",
);
export const setTag = mlflowRoute(
  "post",
  `${base}/set-tag`,
  "contributor",
  s.ModelTagSchema,
  s.EmptySchema,
  "Set a registered model tag",
);
export const deleteTag = mlflowRoute(
  "delete",
  `${base}/delete-tag`,
  "contributor",
  s.ModelTagKeySchema,
  s.EmptySchema,
  "Delete a registered model tag",
);
export const setAlias = mlflowRoute(
  "post",
  `${base}/alias`,
  "contributor",
  s.SetAliasSchema,
  s.EmptySchema,
  "Set an alias",
);
export const deleteAlias = mlflowRoute(
  "delete",
  `${base}/alias`,
  "contributor",
  s.AliasRefSchema,
  s.EmptySchema,
  "Delete an alias",
);
export const getAlias = mlflowRoute(
  "get",
  `${base}/alias`,
  "read",
  s.AliasRefSchema,
  s.ModelVersionResponse,
  "Resolve an alias to its version",
);
