import type { RouteHandler } from "@hono/zod-openapi";
import { createDb, type Db } from "../../db/client";
import { findDataset } from "../../db/repos/datasets-repo";
import { type DatasetKey, listDatasetUsage, walkVersions } from "../../db/repos/lineage-repo";
import { findVersionRow } from "../../db/repos/versions-repo";
import { buildLineage } from "../../domain/lineage";
import { inScope } from "../../domain/scopes";
import type { AppEnv } from "../../env";
import { decodePageToken, encodePageToken } from "../../lib/page-token";
import { ApiError } from "../../lib/problem";
import { DIGEST_PATTERN } from "../../schemas/common";
import { modelRowOr404 } from "../context";
import { catalogueKey, withCatalogueIds } from "./dataset-key";
import type * as routes from "./lineage.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

export const getLineage: Handler<"getLineage"> = async (c) => {
  const { name, version } = c.req.valid("param");
  const { direction, depth } = c.req.valid("query");
  const db = createDb(c.env.DB);
  const model = await modelRowOr404(c, db, name);
  const row = await findVersionRow(db, model.id, version);
  if (!row) throw new ApiError("VERSION_NOT_FOUND", `model '${name}' has no version ${version}`);
  // One hop further than asked, so the answer can say whether the depth limit cut anything off.
  const walked = await walkVersions(db, row.id, direction, depth + 1);
  const scopes = c.get("actor").scopes;
  const graph = buildLineage(walked, row.id, direction, depth, (n) => inScope(scopes, n));
  return c.json(await withCatalogueIds(db, graph), 200);
};

/**
 * `sha256:<hex>` is a digest, `dst_…` a catalogue entry (issue #19); anything else is a dataset uri
 * (Hono has already URL-decoded it).
 */
async function datasetKey(db: Db, id: string, version: string | undefined): Promise<DatasetKey> {
  if (/^dst_[A-Za-z0-9_-]{1,60}$/.test(id)) {
    const row = await findDataset(db, id);
    if (!row) throw new ApiError("DATASET_NOT_FOUND", `dataset '${id}' does not exist`);
    return catalogueKey(row);
  }
  if (id.startsWith("sha256:")) {
    if (!DIGEST_PATTERN.test(id)) {
      throw new ApiError("INVALID_ARGUMENT", "a dataset digest must be sha256:<64 lowercase hex>", [
        { path: "id", message: "must be sha256:<64 lowercase hex> or a URL-encoded uri" },
      ]);
    }
    return { digest: id };
  }
  return { uri: id, version };
}

export const listDatasetModels: Handler<"listDatasetModels"> = async (c) => {
  const { id } = c.req.valid("param");
  const q = c.req.valid("query");
  const db = createDb(c.env.DB);
  const key = await datasetKey(db, id, q.version);
  const order = `dataset:${q.stage ?? ""}:${q.version ?? ""}`;
  const cursor = decodePageToken(q.page_token, order);
  const offset = cursor ? Number(cursor.k) : 0;
  const rows = await listDatasetUsage(db, key, {
    scopes: c.get("actor").scopes,
    stage: q.stage,
    limit: q.page_size + 1,
    offset,
  });
  const next =
    rows.length > q.page_size
      ? encodePageToken({ o: order, k: offset + q.page_size, n: id.slice(0, 64) })
      : null;
  return c.json({ items: rows.slice(0, q.page_size), next_page_token: next }, 200);
};
