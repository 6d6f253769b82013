import type { RouteHandler } from "@hono/zod-openapi";
import { createDb } from "../../db/client";
import { replicaCounts } from "../../db/repos/replica-repo";
import { storageCounts } from "../../db/repos/storage-repo";
import { satisfies } from "../../domain/roles";
import { monthlyStorageUsd, putCostUsd } from "../../domain/storage-cost";
import type { AppEnv } from "../../env";
import { ApiError } from "../../lib/problem";
import { modelRowOr404 } from "../context";
import type * as routes from "./storage.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

export const getStorage: Handler<"getStorage"> = async (c) => {
  const { model } = c.req.valid("query");
  const db = createDb(c.env.DB);
  if (model !== undefined) await modelRowOr404(c, db, model);
  else if (!satisfies(c.get("actor").role, "admin")) {
    throw new ApiError("PERMISSION_DENIED", "storage across all models needs the admin role; pass ?model=");
  }
  const [counts, replica] = await Promise.all([
    storageCounts(db, model ?? null),
    replicaCounts(db, model ?? null),
  ]);
  return c.json(
    {
      model: model ?? null,
      ...counts,
      dedup_ratio:
        counts.stored_bytes === 0
          ? 1
          : Math.round((counts.logical_bytes / counts.stored_bytes) * 1000) / 1000,
      ...replica,
      // Issue 16: the replica is billed like the primary; both copies count.
      estimated_monthly_usd: monthlyStorageUsd(counts.stored_bytes + replica.replica_bytes),
      write_once_usd: putCostUsd(counts.objects),
    },
    200,
  );
};
