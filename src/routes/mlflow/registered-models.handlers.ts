import type { RouteHandler } from "@hono/zod-openapi";
import { createDb } from "../../db/client";
import {
  latestMlflowVersions,
  readMlflowVersionByAlias,
  searchMlflowModels,
} from "../../db/repos/mlflow-repo";
import { findModelRow } from "../../db/repos/models-repo";
import { inScope } from "../../domain/scopes";
import type { AppEnv } from "../../env";
import { ledgerFor } from "../../ledger/ledger-client";
import { aliasReadResponse, cachedAliasRead } from "../../lib/alias-read-cache";
import { aliasNotFound, MlflowError, modelNotFound } from "../../mlflow/errors";
import { parseMlflowFilter } from "../../mlflow/filter";
import { decodeOffsetToken, encodeOffsetToken, maxResults, parseOrderBy } from "../../mlflow/paging";
import { tagMap, toModelVersion, toRegisteredModel } from "../../mlflow/shapes";
import { changeContext } from "../context";
import { assertVisible, canonicalStage, modelRecord, must, mustUnlessAbsent } from "./mlflow-context";
import type * as routes from "./registered-models.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

/** MLflow caps registered-model searches at 1000 per page (SEARCH_REGISTERED_MODEL_MAX_RESULTS_THRESHOLD). */
const MODELS_DEFAULT = 100;
const MODELS_MAX = 1000;

export const create: Handler<"create"> = async (c) => {
  const { name, tags, description } = c.req.valid("json");
  if (!inScope(c.get("actor").scopes, name)) {
    throw new MlflowError("PERMISSION_DENIED", `'${name}' is outside your token's scopes`);
  }
  const input = { name, description: description ?? "", tags: tagMap(tags) };
  must(await ledgerFor(c.env, name).createModel(input, changeContext(c)), { name });
  return c.json({ registered_model: toRegisteredModel(await modelRecord(c, name)) }, 200);
};

export const get: Handler<"get"> = async (c) => {
  const { name } = c.req.valid("query");
  assertVisible(c, name);
  return c.json({ registered_model: toRegisteredModel(await modelRecord(c, name)) }, 200);
};

export const rename: Handler<"rename"> = async (c) => {
  const { name, new_name } = c.req.valid("json");
  assertVisible(c, name);
  if (!inScope(c.get("actor").scopes, new_name)) {
    throw new MlflowError("PERMISSION_DENIED", `'${new_name}' is outside your token's scopes`);
  }
  must(await ledgerFor(c.env, name).renameModel(name, new_name, changeContext(c)), { name: new_name });
  return c.json({ registered_model: toRegisteredModel(await modelRecord(c, new_name)) }, 200);
};

export const update: Handler<"update"> = async (c) => {
  const { name, description } = c.req.valid("json");
  assertVisible(c, name);
  if (description !== undefined) {
    must(await ledgerFor(c.env, name).updateModel(name, description, changeContext(c)), { name });
  }
  return c.json({ registered_model: toRegisteredModel(await modelRecord(c, name)) }, 200);
};

export const remove: Handler<"remove"> = async (c) => {
  const { name } = c.req.valid("json");
  assertVisible(c, name);
  must(await ledgerFor(c.env, name).deleteModel(name, changeContext(c)), { name });
  return c.json({}, 200);
};

export const search: Handler<"search"> = async (c) => {
  const q = c.req.valid("query");
  const limit = maxResults(q.max_results, MODELS_DEFAULT, MODELS_MAX);
  const offset = decodeOffsetToken(q.page_token);
  const rows = await searchMlflowModels(createDb(c.env.DB), {
    filter: parseMlflowFilter(q.filter, "models"),
    order: parseOrderBy(q.order_by, ["name", "last_updated_timestamp", "creation_timestamp"]),
    offset,
    limit: limit + 1,
    scopes: c.get("actor").scopes,
  });
  const page = rows.slice(0, limit);
  return c.json(
    {
      ...(page.length > 0 ? { registered_models: page.map(toRegisteredModel) } : {}),
      ...(rows.length > limit ? { next_page_token: encodeOffsetToken(offset + limit) } : {}),
    },
    200,
  );
};

export const latestVersions: Handler<"latestVersions"> = async (c) => {
  const { name, stages } = c.req.valid("json");
  assertVisible(c, name);
  const db = createDb(c.env.DB);
  const model = await findModelRow(db, name);
  if (!model) throw modelNotFound(name);
  const versions = await latestMlflowVersions(db, [model.id], (stages ?? []).map(canonicalStage));
  return c.json(
    versions.length > 0 ? { model_versions: versions.map((v) => toModelVersion(v, false)) } : {},
    200,
  );
};

export const setTag: Handler<"setTag"> = async (c) => {
  const { name, key, value } = c.req.valid("json");
  assertVisible(c, name);
  must(await ledgerFor(c.env, name).setModelTag(name, key, value, changeContext(c)), { name });
  return c.json({}, 200);
};

export const deleteTag: Handler<"deleteTag"> = async (c) => {
  const { name, key } = c.req.valid("json");
  assertVisible(c, name);
  mustUnlessAbsent(await ledgerFor(c.env, name).deleteModelTag(name, key, changeContext(c)), { name });
  return c.json({}, 200);
};

export const setAlias: Handler<"setAlias"> = async (c) => {
  const { name, alias, version } = c.req.valid("json");
  assertVisible(c, name);
  must(await ledgerFor(c.env, name).setAliasQuietly(name, { alias, version }, changeContext(c)), {
    name,
    version,
    alias,
  });
  return c.json({}, 200);
};

export const deleteAlias: Handler<"deleteAlias"> = async (c) => {
  const { name, alias } = c.req.valid("json");
  assertVisible(c, name);
  mustUnlessAbsent(await ledgerFor(c.env, name).deleteAlias(name, alias, undefined, changeContext(c)), {
    name,
    alias,
  });
  return c.json({}, 200);
};

export const getAlias: Handler<"getAlias"> = async (c) => {
  const { name, alias } = c.req.valid("query");
  assertVisible(c, name);
  // Polled: answered from this isolate's memory for up to 1 s (src/lib/alias-read-cache.ts).
  const read = await cachedAliasRead("mlflow", name, alias, async () => {
    const found = await readMlflowVersionByAlias(createDb(c.env.DB), name, alias);
    if (!found) throw modelNotFound(name);
    // MLflow answers a missing alias with 400 INVALID_PARAMETER_VALUE (recorded), not 404.
    if (!found.version) throw aliasNotFound(alias);
    return { body: JSON.stringify({ model_version: toModelVersion(found.version, true) }) };
  });
  // The body is c.json's text for that value, serialized once when read; the typed-response
  // wrapper only exists for c.json's return type.
  return aliasReadResponse(read, undefined) as never;
};
