import type { RouteHandler } from "@hono/zod-openapi";
import { createDb } from "../../db/client";
import { findDataset } from "../../db/repos/datasets-repo";
import { readModelSnapshot } from "../../db/repos/snapshot-repo";
import type { AppEnv } from "../../env";
import { ledgerFor, SYSTEM_LEDGER, unwrap } from "../../ledger/ledger-client";
import { ApiError } from "../../lib/problem";
import { assertManifestBlobs } from "../../storage/blobs";
import { assertVisible, changeContext } from "../context";
import { checkVersionInput } from "../versions/versions.handlers";
import type * as routes from "./imports.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

export const importVersion: Handler<"importVersion"> = async (c) => {
  const { name, version } = c.req.valid("param");
  assertVisible(c, name);
  const input = c.req.valid("json");
  await checkVersionInput(c.env, input);
  const result = unwrap(await ledgerFor(c.env, name).importVersion(name, version, input, changeContext(c)));
  return c.json(result.version, result.created ? 201 : 200);
};

export const exportModel: Handler<"exportModel"> = async (c) => {
  const { name } = c.req.valid("param");
  assertVisible(c, name);
  const snapshot = await readModelSnapshot(createDb(c.env.DB), name);
  if (!snapshot) throw new ApiError("MODEL_NOT_FOUND", `model '${name}' does not exist`);
  return c.json(snapshot, 200);
};

export const restoreModel: Handler<"restoreModel"> = async (c) => {
  const snapshot = c.req.valid("json");
  assertVisible(c, snapshot.model.name);
  // Blobs are never deleted while referenced, so checking before the ledger call cannot go stale.
  await assertManifestBlobs(
    c.env,
    snapshot.versions.flatMap((v) => v.files),
  );
  const ledger = ledgerFor(c.env, snapshot.model.name);
  return c.json(unwrap(await ledger.restoreModel(snapshot, changeContext(c))), 201);
};

export const restoreDatasets: Handler<"restoreDatasets"> = async (c) => {
  const { datasets } = c.req.valid("json");
  const db = createDb(c.env.DB);
  const ledger = ledgerFor(c.env, SYSTEM_LEDGER);
  let restored = 0;
  let already = 0;
  for (const d of datasets) {
    if (await findDataset(db, d.id)) {
      already++;
      continue;
    }
    const row = {
      id: d.id,
      uri: d.uri,
      version: d.version ?? "",
      digest: d.digest,
      description: d.description,
      schema: d.schema,
      owner: d.owner,
      tags: d.tags,
      createdBy: d.created_by,
      createdAt: Date.parse(d.created_at),
    };
    unwrap(await ledger.registerDataset(row, changeContext(c)));
    restored++;
  }
  return c.json({ restored, already_present: already }, 200);
};
