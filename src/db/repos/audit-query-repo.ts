/** What a caller may see of the audit log, and how an entry looks on the wire. */

import type { z } from "@hono/zod-openapi";
import { and, eq, isNotNull, type SQL } from "drizzle-orm";
import type { AuditEntrySchema } from "../../schemas/governance";
import { iso } from "../client";
import { auditLog } from "../schema";
import type { AuditRow } from "./audit-repo";
import { scopeCondition } from "./scope-filter";

/**
 * Scoped tokens see only entries of models in their scope; only admins see entries that belong to
 * no model (the `system` chain: tokens, webhooks), since those name credentials.
 */
export function auditVisibility(opts: {
  scopes: string[] | null;
  admin: boolean;
  model?: string | undefined;
}) {
  const conditions: (SQL | undefined)[] = [
    opts.model !== undefined ? eq(auditLog.modelName, opts.model) : undefined,
    opts.admin && opts.scopes === null ? undefined : isNotNull(auditLog.modelName),
    scopeCondition(auditLog.modelName, opts.scopes),
  ];
  return and(...conditions);
}

export function toAuditEntryView(row: AuditRow): z.infer<typeof AuditEntrySchema> {
  return {
    id: row.id,
    seq: row.seq,
    model: row.modelName,
    action: row.action,
    actor: row.actor,
    target: row.target,
    before: row.before ?? null,
    after: row.after ?? null,
    reason: row.reason,
    request_id: row.requestId,
    created_at: iso(row.createdAt),
    prev_hash: row.prevHash,
    hash: row.hash,
  };
}
