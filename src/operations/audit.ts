/** The audit trail as the API and the console read it: a page of entries, and a chain's verdict. */
import type { Context } from "hono";
import { createDb } from "../db/client";
import { auditVisibility, toAuditEntryView } from "../db/repos/audit-query-repo";
import { listAudit as listAuditRows } from "../db/repos/audit-repo";
import type { AppEnv } from "../env";
import { decodePageToken, encodePageToken } from "../lib/page-token";
import { ApiError } from "../lib/problem";
import { assertVisible, modelRowOr404 } from "../routes/context";
import { verifyChainPaged } from "../routes/governance/audit-verify";
import { assertRole } from "./access";

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

export interface AuditQuery {
  model?: string | undefined;
  actor?: string | undefined;
  action?: string | undefined;
  since?: string | undefined;
  page_size: number;
  page_token?: string | undefined;
  /** Only entries about this target or below it (the console's per-version trail). */
  target?: string | undefined;
}

/** Newest first; a scoped caller sees only its models' entries, only admins the system chain. */
export async function auditPage(c: Context<AppEnv>, q: AuditQuery) {
  assertRole(c, "viewer");
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
    target: q.target,
    extra: auditVisibility({ scopes: actor.scopes, admin: actor.role === "admin", model: q.model }),
  });
  const page = rows.slice(0, q.page_size);
  const last = page.at(-1);
  const next = rows.length > q.page_size && last ? encodePageToken({ o: ORDER, k: last.id, n: "" }) : null;
  return { items: page.map(toAuditEntryView), next_page_token: next };
}

/** Recomputes a model's hash chain, in bounded pages from `cursor` (the start by default). */
export async function verifyModelChain(
  c: Context<AppEnv>,
  name: string,
  cursor: string | undefined,
  maxEntries: number,
) {
  assertRole(c, "viewer");
  const db = createDb(c.env.DB);
  const model = await modelRowOr404(c, db, name);
  return verifyChainPaged(db, model.id, cursor, maxEntries);
}
