/**
 * A model's whole record as stored rows, for `registry export` / `registry import` (disaster
 * recovery): the model, its tags, versions with their tags, aliases, policy, retention policy and
 * audit chain, verbatim (ids, numbers, timestamps, hashes), so a restore is exact and the chain
 * still verifies. Reads here; the writes are builders the ModelLedger batches.
 */
import { asc, eq, inArray } from "drizzle-orm";
import type { Db, Statement } from "../client";
import {
  aliases,
  approvalRequests,
  approvals,
  auditLog,
  deployments,
  models,
  modelTags,
  modelVersions,
  policies,
  retentionPolicies,
  versionTags,
} from "../schema";
import { insertVersionIndexes } from "./discovery-index-repo";

type VersionRow = typeof modelVersions.$inferSelect;
/**
 * Without its row id: that is a registry-wide insertion number, not part of the chain (seq and hashes
 * are), and keeping it would collide with the rows of the target registry.
 */
type AuditRow = Omit<typeof auditLog.$inferSelect, "id">;

export interface ModelSnapshot {
  format: 1;
  model: typeof models.$inferSelect;
  model_tags: Record<string, string>;
  versions: (VersionRow & { tags: Record<string, string> })[];
  aliases: (typeof aliases.$inferSelect)[];
  policy: typeof policies.$inferSelect | null;
  retention: typeof retentionPolicies.$inferSelect | null;
  audit: AuditRow[];
  /** Issue 17: approval requests (pending ones included) with their votes, and node reports. */
  approval_requests?: ApprovalRequestSnapshot[];
  deployments?: (typeof deployments.$inferSelect)[];
}

export type ApprovalRequestSnapshot = typeof approvalRequests.$inferSelect & {
  approvals: (typeof approvals.$inferSelect)[];
};

export async function readModelSnapshot(db: Db, name: string): Promise<ModelSnapshot | null> {
  const model = await db.select().from(models).where(eq(models.name, name)).get();
  if (!model) return null;
  const [tags, versions, aliasRows, policy, retention, audit, requests, nodes] = await Promise.all([
    db.select().from(modelTags).where(eq(modelTags.modelId, model.id)).orderBy(asc(modelTags.key)).all(),
    db
      .select()
      .from(modelVersions)
      .where(eq(modelVersions.modelId, model.id))
      .orderBy(asc(modelVersions.version))
      .all(),
    db.select().from(aliases).where(eq(aliases.modelId, model.id)).orderBy(asc(aliases.alias)).all(),
    db.select().from(policies).where(eq(policies.modelId, model.id)).get(),
    db.select().from(retentionPolicies).where(eq(retentionPolicies.modelId, model.id)).get(),
    db.select().from(auditLog).where(eq(auditLog.chain, model.id)).orderBy(asc(auditLog.seq)).all(),
    db
      .select()
      .from(approvalRequests)
      .where(eq(approvalRequests.modelId, model.id))
      .orderBy(asc(approvalRequests.createdAt), asc(approvalRequests.id))
      .all(),
    db
      .select()
      .from(deployments)
      .where(eq(deployments.modelId, model.id))
      .orderBy(asc(deployments.nodeId))
      .all(),
  ]);
  const votes = await votesOf(
    db,
    requests.map((r) => r.id),
  );
  const vtags = versions.length
    ? await db
        .select()
        .from(versionTags)
        .where(
          inArray(
            versionTags.versionId,
            versions.map((v) => v.id),
          ),
        )
        .orderBy(asc(versionTags.key))
        .all()
    : [];
  const tagsOf = (id: string) =>
    Object.fromEntries(vtags.filter((t) => t.versionId === id).map((t) => [t.key, t.value]));
  return {
    format: 1,
    model,
    model_tags: Object.fromEntries(tags.map((t) => [t.key, t.value])),
    versions: versions.map((v) => ({ ...v, tags: tagsOf(v.id) })),
    aliases: aliasRows,
    policy: policy ?? null,
    retention: retention ?? null,
    audit: audit.map(({ id: _id, ...row }) => row),
    approval_requests: requests.map((r) => ({ ...r, approvals: votes.filter((v) => v.requestId === r.id) })),
    deployments: nodes,
  };
}

/** Votes of these requests, in bounded IN lists (D1 allows 100 bound parameters per statement). */
async function votesOf(db: Db, ids: string[]) {
  const out: (typeof approvals.$inferSelect)[] = [];
  for (let i = 0; i < ids.length; i += 90) {
    out.push(
      ...(await db
        .select()
        .from(approvals)
        .where(inArray(approvals.requestId, ids.slice(i, i + 90)))
        .orderBy(asc(approvals.createdAt), asc(approvals.approverId))
        .all()),
    );
  }
  return out;
}

export async function modelIdTaken(db: Db, id: string): Promise<boolean> {
  const [model, audit] = await Promise.all([
    db.select({ id: models.id }).from(models).where(eq(models.id, id)).get(),
    db.select({ seq: auditLog.seq }).from(auditLog).where(eq(auditLog.chain, id)).limit(1).get(),
  ]);
  return Boolean(model || audit);
}

/** The statements that write a snapshot back, rows verbatim (audit in seq order). */
export function restoreStatements(db: Db, s: ModelSnapshot): Statement[] {
  const out: Statement[] = [db.insert(models).values(s.model)];
  for (const [key, value] of Object.entries(s.model_tags)) {
    out.push(db.insert(modelTags).values({ modelId: s.model.id, key, value }));
  }
  for (const { tags, ...row } of s.versions) {
    out.push(db.insert(modelVersions).values(row));
    for (const [key, value] of Object.entries(tags)) {
      out.push(db.insert(versionTags).values({ versionId: row.id, key, value }));
    }
    out.push(...insertVersionIndexes(db, row.id, row.modelId, row));
  }
  for (const alias of s.aliases) out.push(db.insert(aliases).values(alias));
  if (s.policy) out.push(db.insert(policies).values(s.policy));
  if (s.retention) out.push(db.insert(retentionPolicies).values(s.retention));
  for (const entry of s.audit) out.push(db.insert(auditLog).values(entry));
  for (const { approvals: votes, ...request } of s.approval_requests ?? []) {
    out.push(db.insert(approvalRequests).values(request));
    for (const vote of votes) out.push(db.insert(approvals).values(vote));
  }
  for (const node of s.deployments ?? []) out.push(db.insert(deployments).values(node));
  return out;
}
