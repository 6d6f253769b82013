import type { RouteHandler } from "@hono/zod-openapi";
import { createDb } from "../../db/client";
import { type DatasetKey, listDatasetUsage } from "../../db/repos/lineage-repo";
import { findVersionRow } from "../../db/repos/versions-repo";
import type { AppEnv } from "../../env";
import { decodePageToken, encodePageToken } from "../../lib/page-token";
import { ApiError } from "../../lib/problem";
import { versionLineage } from "../../operations/version-reads";
import { DIGEST_PATTERN } from "../../schemas/common";
import { modelRowOr404 } from "../context";
import type * as routes from "./lineage.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

export const getLineage: Handler<"getLineage"> = async (c) => {
  const { name, version } = c.req.valid("param");
  const { direction, depth } = c.req.valid("query");
  const db = createDb(c.env.DB);
  const model = await modelRowOr404(c, db, name);
  const row = await findVersionRow(db, model.id, version);
  if (!row) throw new ApiError("VERSION_NOT_FOUND", `model '${name}' has no version ${version}`);
  return c.json(await versionLineage(c, db, row.id, direction, depth), 200);
};

/** `sha256:<hex>` is a digest; anything else is a dataset uri (Hono has already URL-decoded it). */
function datasetKey(id: string, version: string | undefined): DatasetKey {
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
  const key = datasetKey(id, q.version);
  const order = `dataset:${q.stage ?? ""}:${q.version ?? ""}`;
  const cursor = decodePageToken(q.page_token, order);
  const offset = cursor ? Number(cursor.k) : 0;
  const rows = await listDatasetUsage(createDb(c.env.DB), key, {
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
