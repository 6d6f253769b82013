/** Decisions for changes to a registered model itself. Each returns the batch to commit, or an error. */
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../db/client";
import {
  deleteModelCascade,
  deleteModelTag,
  insertModel,
  type ModelRow,
  readModelView,
  touchModel,
  upsertModelTags,
} from "../db/repos/models-repo";
import { modelTags, modelVersions } from "../db/schema";
import { newId } from "../lib/ids";
import type { CreateModelInput, ModelView } from "../schemas/models";
import { type Change, type ChangeContext, fail, type LedgerResult } from "./ledger-types";

const view = (db: Db, name: string) => async () => {
  const model = await readModelView(db, name);
  if (!model) throw new Error(`model ${name} vanished after commit`);
  return model;
};

export async function decideCreateModel(
  db: Db,
  existing: ModelRow | undefined,
  input: CreateModelInput,
  ctx: ChangeContext,
  now: number,
): Promise<LedgerResult<Change<ModelView>>> {
  if (existing) return fail("MODEL_ALREADY_EXISTS", `model '${input.name}' already exists`);
  const id = newId("mdl");
  const row = {
    id,
    name: input.name,
    description: input.description,
    owner: ctx.actor.name,
    lastVersion: 0,
    createdAt: now,
    updatedAt: now,
  };
  const after = { name: input.name, description: input.description, tags: input.tags, owner: ctx.actor.name };
  return {
    ok: true,
    value: {
      statements: insertModel(db, row, input.tags),
      chain: id,
      modelName: input.name,
      action: "model.created",
      target: `model:${input.name}`,
      before: null,
      after,
      event: { type: "model.created", modelId: id, version: null, data: { before: null, after } },
      ref: { kind: "model", name: input.name },
      respond: view(db, input.name),
    },
  };
}

export async function decideUpdateModel(
  db: Db,
  model: ModelRow,
  description: string,
  now: number,
): Promise<LedgerResult<Change<ModelView>>> {
  const before = { description: model.description };
  const after = { description };
  return {
    ok: true,
    value: {
      statements: [touchModel(db, model.id, now, { description })],
      chain: model.id,
      modelName: model.name,
      action: "model.updated",
      target: `model:${model.name}`,
      before,
      after,
      event: { type: "model.updated", modelId: model.id, version: null, data: { before, after } },
      respond: view(db, model.name),
    },
  };
}

export async function decideSetModelTag(
  db: Db,
  model: ModelRow,
  key: string,
  value: string,
  now: number,
): Promise<LedgerResult<Change<ModelView>>> {
  const current = await db
    .select({ value: modelTags.value })
    .from(modelTags)
    .where(and(eq(modelTags.modelId, model.id), eq(modelTags.key, key)))
    .get();
  const count = current ? 0 : await db.$count(modelTags, eq(modelTags.modelId, model.id));
  if (count >= 100) return fail("INVALID_ARGUMENT", "a model has at most 100 tags");
  const before = { tags: current ? { [key]: current.value } : {} };
  const after = { tags: { [key]: value } };
  return {
    ok: true,
    value: {
      statements: [...upsertModelTags(db, model.id, { [key]: value }), touchModel(db, model.id, now)],
      chain: model.id,
      modelName: model.name,
      action: "model.tag_set",
      target: `model:${model.name}/tags/${key}`,
      before,
      after,
      event: { type: "model.updated", modelId: model.id, version: null, data: { before, after } },
      respond: view(db, model.name),
    },
  };
}

export async function decideDeleteModelTag(
  db: Db,
  model: ModelRow,
  key: string,
  now: number,
): Promise<LedgerResult<Change<ModelView>>> {
  const current = await db
    .select({ value: modelTags.value })
    .from(modelTags)
    .where(and(eq(modelTags.modelId, model.id), eq(modelTags.key, key)))
    .get();
  if (!current) return fail("NOT_FOUND", `model '${model.name}' has no tag '${key}'`);
  const before = { tags: { [key]: current.value } };
  return {
    ok: true,
    value: {
      statements: [deleteModelTag(db, model.id, key), touchModel(db, model.id, now)],
      chain: model.id,
      modelName: model.name,
      action: "model.tag_deleted",
      target: `model:${model.name}/tags/${key}`,
      before,
      after: { tags: {} },
      event: {
        type: "model.updated",
        modelId: model.id,
        version: null,
        data: { before, after: { tags: {} } },
      },
      respond: view(db, model.name),
    },
  };
}

export async function decideDeleteModel(db: Db, model: ModelRow): Promise<LedgerResult<Change<null>>> {
  const active = await db
    .select({ version: modelVersions.version, stage: modelVersions.stage })
    .from(modelVersions)
    .where(and(eq(modelVersions.modelId, model.id), inArray(modelVersions.stage, ["Staging", "Production"])))
    .all();
  if (active.length > 0) {
    const list = active.map((v) => `v${v.version} (${v.stage})`).join(", ");
    return fail("MODEL_HAS_ACTIVE_VERSIONS", `archive ${list} before deleting model '${model.name}'`);
  }
  const before = { name: model.name, description: model.description, last_version: model.lastVersion };
  return {
    ok: true,
    value: {
      statements: deleteModelCascade(db, model.id),
      chain: model.id,
      modelName: model.name,
      action: "model.deleted",
      target: `model:${model.name}`,
      before,
      after: null,
      event: { type: "model.deleted", modelId: model.id, version: null, data: { before, after: null } },
      respond: async () => null,
    },
  };
}
