import type { RouteHandler } from "@hono/zod-openapi";
import { createDb, iso } from "../../db/client";
import { productionMetadata } from "../../db/repos/metadata-report-repo";
import { listRetentionRuns, readRetentionPolicy, toRunView } from "../../db/repos/retention-repo";
import { stalenessOf } from "../../domain/metadata-freshness";
import { DAY_MS } from "../../domain/retention";
import type { AppEnv } from "../../env";
import { runRetention as runRetentionJob } from "../../jobs/retention";
import { ledgerFor, unwrap } from "../../ledger/ledger-client";
import { assertVisible, changeContext, modelRowOr404 } from "../context";
import type * as routes from "./retention.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

export const getRetention: Handler<"getRetention"> = async (c) => {
  const { name } = c.req.valid("param");
  const db = createDb(c.env.DB);
  const model = await modelRowOr404(c, db, name);
  return c.json({ name, ...(await readRetentionPolicy(db, model.id)) }, 200);
};

export const setRetention: Handler<"setRetention"> = async (c) => {
  const { name } = c.req.valid("param");
  assertVisible(c, name);
  const policy = c.req.valid("json");
  const result = await ledgerFor(c.env, name).setRetentionPolicy(name, policy, changeContext(c));
  return c.json(unwrap(result), 200);
};

export const runRetention: Handler<"runRetention"> = async (c) => {
  const { dry_run, max_actions } = c.req.valid("query");
  const actor = c.get("actor");
  const run = await runRetentionJob(c.env, {
    now: Date.now(),
    dryRun: dry_run,
    maxActions: max_actions,
    trigger: "admin",
    actor: { id: actor.id, name: actor.name },
    requestId: c.get("requestId"),
  });
  return c.json(run, 200);
};

export const listRuns: Handler<"listRuns"> = async (c) => {
  const { limit } = c.req.valid("query");
  const rows = await listRetentionRuns(createDb(c.env.DB), limit);
  return c.json({ items: rows.map(toRunView) }, 200);
};

export const staleMetadata: Handler<"staleMetadata"> = async (c) => {
  const { older_than_days } = c.req.valid("query");
  const rows = await productionMetadata(createDb(c.env.DB), c.get("actor").scopes);
  const now = Date.now();
  const items = rows.flatMap((row) => {
    const verdict = stalenessOf(row, now, older_than_days * DAY_MS);
    if (verdict.reasons.length === 0) return [];
    return [
      {
        name: row.name,
        version: row.version,
        reasons: verdict.reasons,
        metadata_updated_at: iso(verdict.updatedAt),
        copied_from_version: verdict.copiedFrom,
      },
    ];
  });
  return c.json({ older_than_days, items }, 200);
};
