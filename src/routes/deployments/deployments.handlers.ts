import type { RouteHandler } from "@hono/zod-openapi";
import { readDeployment, listDeployments as readDeployments } from "../../db/repos/deployments-repo";
import { fleetSummary as readFleetSummary } from "../../db/repos/fleet-repo";
import { exposeBookmark, requestSession } from "../../db/session";
import { DEFAULT_STALE_AFTER_SECONDS } from "../../domain/drift";
import type { AppEnv } from "../../env";
import { recordDeploymentReport } from "../../ledger/deployment-report";
import { ApiError } from "../../lib/problem";
import { changeContext, modelRowOr404 } from "../context";
import type * as routes from "./deployments.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

/**
 * The session starts at the primary (`first-primary`) since the report writes; the answer is read
 * back in the same session after the write, so its bookmark covers the write for the next read.
 */
export const reportDeployment: Handler<"reportDeployment"> = async (c) => {
  const { name } = c.req.valid("param");
  const report = c.req.valid("json");
  const session = requestSession(c, "first-primary");
  const model = await modelRowOr404(c, session.db, name);
  await recordDeploymentReport(c.env, session.db, model, report, changeContext(c));
  const view = await readDeployment(
    session.db,
    model,
    report.node_id,
    Date.now(),
    DEFAULT_STALE_AFTER_SECONDS,
  );
  if (!view) throw new ApiError("INTERNAL", "the report was not recorded");
  exposeBookmark(c, session);
  return c.json(view, 200);
};

export const listDeployments: Handler<"listDeployments"> = async (c) => {
  const { name } = c.req.valid("param");
  const query = c.req.valid("query");
  const session = requestSession(c);
  const model = await modelRowOr404(c, session.db, name);
  const page = await readDeployments(session.db, model, {
    now: Date.now(),
    staleAfter: query.stale_after,
    pageSize: query.page_size,
    pageToken: query.page_token,
  });
  exposeBookmark(c, session);
  return c.json(page, 200);
};

export const fleetSummary: Handler<"fleetSummary"> = async (c) => {
  const query = c.req.valid("query");
  const session = requestSession(c);
  const summary = await readFleetSummary(session.db, {
    scopes: c.get("actor").scopes,
    now: Date.now(),
    staleAfter: query.stale_after,
    pageSize: query.page_size,
    pageToken: query.page_token,
  });
  exposeBookmark(c, session);
  return c.json(summary, 200);
};
