import type { RouteHandler } from "@hono/zod-openapi";
import { createDb } from "../../db/client";
import { findDataset, listDatasets as listDatasetRows, toDatasetView } from "../../db/repos/datasets-repo";
import { listDatasetUsage } from "../../db/repos/lineage-repo";
import type { AppEnv } from "../../env";
import { ledgerFor, SYSTEM_LEDGER, unwrap } from "../../ledger/ledger-client";
import { newId } from "../../lib/ids";
import { decodePageToken, encodePageToken } from "../../lib/page-token";
import { ApiError } from "../../lib/problem";
import { changeContext } from "../context";
import { catalogueKey } from "./dataset-key";
import type * as routes from "./datasets.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

export const registerDataset: Handler<"registerDataset"> = async (c) => {
  const input = c.req.valid("json");
  const actor = c.get("actor").name;
  const row = {
    id: newId("dst"),
    uri: input.uri,
    version: input.version ?? "",
    digest: input.digest ?? null,
    description: input.description,
    schema: input.schema ?? null,
    owner: input.owner ?? actor,
    tags: input.tags,
    createdBy: actor,
    createdAt: Date.now(),
  };
  const dataset = unwrap(await ledgerFor(c.env, SYSTEM_LEDGER).registerDataset(row, changeContext(c)));
  c.header("location", `/api/v1/datasets/${dataset.id}`);
  return c.json(dataset, 201);
};

const ORDER = "dataset created_at DESC";

export const listDatasets: Handler<"listDatasets"> = async (c) => {
  const { uri, page_size, page_token } = c.req.valid("query");
  const cursor = decodePageToken(page_token, ORDER);
  const { items, last } = await listDatasetRows(createDb(c.env.DB), {
    uri,
    pageSize: page_size,
    after: cursor ? { createdAt: Number(cursor.k), id: cursor.n } : null,
  });
  const next = last ? encodePageToken({ o: ORDER, k: last.createdAt, n: last.id }) : null;
  return c.json({ items: items.map(toDatasetView), next_page_token: next }, 200);
};

export const getDataset: Handler<"getDataset"> = async (c) => {
  const { id } = c.req.valid("param");
  const db = createDb(c.env.DB);
  const row = await findDataset(db, id);
  if (!row) throw new ApiError("DATASET_NOT_FOUND", `dataset '${id}' does not exist`);
  const usage = await listDatasetUsage(db, catalogueKey(row), {
    scopes: c.get("actor").scopes,
    limit: 1000,
    offset: 0,
  });
  const used_by = usage.map((u) => ({
    name: u.name,
    version: u.version,
    stage: u.stage,
    created_at: u.created_at,
    role: u.dataset.role ?? null,
  }));
  return c.json({ ...toDatasetView(row), used_by }, 200);
};
