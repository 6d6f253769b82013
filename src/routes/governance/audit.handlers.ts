import type { RouteHandler } from "@hono/zod-openapi";
import { createDb } from "../../db/client";
import { auditVisibility, toAuditEntryView } from "../../db/repos/audit-query-repo";
import { listAudit as listAuditRows } from "../../db/repos/audit-repo";
import type { AppEnv } from "../../env";
import { decodePageToken, encodePageToken } from "../../lib/page-token";
import { ApiError } from "../../lib/problem";
import { assertVisible, modelRowOr404 } from "../context";
import type * as routes from "./audit.routes";
import { verifyChainPaged } from "./audit-verify";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

const ORDER = "id DESC";

function parseSince(since: string | undefined): number | undefined {
  if (since === undefined) return undefined;
  const ms = /^\d{1,16}$/.test(since) ? Number(since) : Date.parse(since);
  if (!Number.isFinite(ms)) {
    throw new ApiError("INVALID_ARGUMENT", "since must be an RFC 3339 time or epoch milliseconds", [
      { path: "query.since", message: "not a time" },
    ]);
  }
  return ms;
}

export const listAudit: Handler<"listAudit"> = async (c) => {
  const q = c.req.valid("query");
  if (q.model !== undefined) assertVisible(c, q.model);
  const actor = c.get("actor");
  const cursor = decodePageToken(q.page_token, ORDER);
  const rows = await listAuditRows(createDb(c.env.DB), {
    modelNames: null,
    actor: q.actor,
    action: q.action,
    since: parseSince(q.since),
    beforeId: cursor ? Number(cursor.k) : undefined,
    limit: q.page_size + 1,
    extra: auditVisibility({ scopes: actor.scopes, admin: actor.role === "admin", model: q.model }),
  });
  const page = rows.slice(0, q.page_size);
  const last = page.at(-1);
  const next = rows.length > q.page_size && last ? encodePageToken({ o: ORDER, k: last.id, n: "" }) : null;
  return c.json({ items: page.map(toAuditEntryView), next_page_token: next }, 200);
};

export const verifyAudit: Handler<"verifyAudit"> = async (c) => {
  const { name } = c.req.valid("param");
  const db = createDb(c.env.DB);
  const { cursor, max_entries } = c.req.valid("query");
  const model = await modelRowOr404(c, db, name);
  return c.json(await verifyChainPaged(db, model.id, cursor, max_entries), 200);
};
